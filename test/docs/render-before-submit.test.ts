/**
 * docs/slurm.md's quick start runs `hpcinv render run1 --validate` after `submit --dry-run` and before the
 * first real submit, when the run has no plan.json yet (a dry run writes nothing). scripts/check-docs.sh
 * found render refusing there; render now plans as the dry run does. This checks that without SLURM
 * (no --validate): the scripts are rendered for every planned chunk, and nothing is written to the run.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../src/experiment/create-run.js';
import { renderRun } from '../../src/jobs/slurm/render-run.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

describe('hpcinv render before the first submit', () => {
  it('renders the job script and map file of every chunk without writing a plan', async () => {
    const dir = tempDir('render-first');
    const exp = smallExperiment(dir, { count: 8, chunkSize: 2, extra: 'backend: { name: slurm, site: test-cluster }\n' });
    const runRoot = join(dir, 'run1');
    createRun(exp, runRoot);
    const before = readdirSync(runRoot).sort();

    const r = await renderRun(runRoot);

    expect(r.attempts).toEqual([0, 1, 2, 3].map((chunk) => ({ chunk, attempt: 1 })));
    expect(r.text).toContain('#SBATCH --array=0-3');
    for (let c = 0; c < 4; c++) expect(r.text).toContain(`--chunk ${c} --attempt 1`);
    expect(readdirSync(runRoot).sort()).toEqual(before); // no plan.json, nothing else
  });
});
