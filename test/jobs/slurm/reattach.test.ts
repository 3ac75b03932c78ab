/**
 * Re-attach: an orchestrator that stops while its array runs leaves the jobs running; the next
 * `hpcinv submit` of the same run watches them (from the manifest's element ids) instead of submitting
 * again, and the run completes with every sample once.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../../src/experiment/create-run.js';
import { submitRun } from '../../../src/jobs/sweep.js';
import { gather } from '../../../src/store/gather.js';
import { column, readArrow } from '../../../src/store/arrow.js';
import { readManifest } from '../../../src/store/manifest.js';
import { RunDir } from '../../../src/store/run-dir.js';
import { requireBuild, smallExperiment, tempDir } from '../sweep-helpers.js';
import { withSlurm } from './test-cluster.js';

beforeAll(requireBuild);

withSlurm('re-attaching to a SLURM run', () => {
  test('a second submit watches the running array instead of submitting again', async () => {
    const dir = tempDir('slurm-reattach');
    const exp = smallExperiment(dir, {
      duration: 10, compute: ['region_mean'], count: 12, seed: 9, maxAttempts: 1, chunkSize: 2,
      extra: 'backend: { name: slurm, site: test-cluster, profile: { slurm: { maxConcurrent: 2 } } }\n',
    });
    const run = new RunDir(join(dir, 'run'));
    createRun(exp, run.root);
    const stop = new AbortController();
    const first = submitRun(run.root, { quiet: true, signal: stop.signal });
    while (!readManifest(run).some((r) => r.state === 'submitted')) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    const detached = await first;
    expect(detached.detached).toBe(true);

    const second = await submitRun(run.root, { quiet: true });
    expect(second.exitCode).toBe(0);
    expect(gather(run).rows).toBe(12);
    expect(Array.from(column(readArrow(run.dataset), 'sample') as Int32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // One array job only, and every chunk done by its first (and only) attempt.
    expect(readdirSync(join(run.root, 'backend', 'slurm')).filter((f) => f.endsWith('.sh'))).toHaveLength(1);
    expect(readManifest(run).filter((r) => r.state === 'submitted')).toHaveLength(6);
    expect(new Set(readManifest(run).filter((r) => r.state === 'done').map((r) => r.attempt))).toEqual(new Set([1]));
  }, 180_000);
});
