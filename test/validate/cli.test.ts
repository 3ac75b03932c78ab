import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';

/**
 * `hpcinv validate` end to end with real brain simulations (connectivity_68, MPR, BOLD), scaled down to
 * seconds: 15 s of BOLD, 14 simulations, tiny training. It checks the plumbing (simulate → gather →
 * train per cell → report, resume, errors); the numbers at full scale are in docs/validation.md.
 * The CLI runs from the build (`npm test` builds first), in a child process as a user would run it.
 */
const main = join(packageRoot, 'dist', 'cli', 'main.js');
const hpcinv = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

let root: string;
let experiment: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hpcinv-validate-cli-'));
  experiment = join(root, 'exp.yaml');
  const starter = readFileSync(join(packageRoot, 'templates', 'experiments', 'starter.yaml'), 'utf8');
  writeFileSync(
    experiment,
    starter
      .replace(/^duration: \d+/m, 'duration: 1500')
      .replace(/fcd: \{ window: \d+, step: 1 \}/, 'fcd: { window: 2, step: 1 }')
      .replace(/compute: \[[^\]]*\]/, 'compute: [fc_sum, fcd_sum]') +
      // What `hpcinv run` would infer for; the study makes its own observations and drops the section.
      'observation:\n  files: [data/sub-01.csv]\n',
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const args = (study: string) => ['validate', experiment, study, '--budgets', '10', '--features', 'fc_sum', 'fc_sum+fcd_sum', '--test', '4', '--samples', '50', '--max-epochs', '5', '--concurrency', '2', '--chunk-size', '7'];

test('simulates once, trains one posterior per cell, writes the report, and resumes without re-simulating', () => {
  const study = join(root, 'study');
  const r = hpcinv(...args(study), '--json', '--ppc', '1', '--ppc-samples', '3');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.cells.map((c: { featureSet: string; budget: number }) => `${c.featureSet}@${c.budget}`)).toEqual(['fc_sum@10', 'fc_sum+fcd_sum@10']);
  expect(out.cells[0].testCases).toBe(4);
  expect(out.recommendations).toHaveLength(2);
  expect(out.seconds.simulate).toBeGreaterThan(0);
  // One predictive check: 3 brains re-simulated from the combined posterior at the largest budget.
  expect(out.ppc).toHaveLength(1);
  expect(out.ppc[0].featureSet).toBe('fc_sum+fcd_sum');
  expect(out.ppc[0].pValues).toHaveLength(2);
  const html = readFileSync(join(study, 'report', 'index.html'), 'utf8');
  expect(html.match(/<figure class="plot"/g)).toHaveLength(5);
  expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(5);
  expect(html).toContain('Posterior predictive checks');
  const summary = JSON.parse(readFileSync(join(study, 'report', 'summary.json'), 'utf8'));
  expect(summary.cells[0].cases).toHaveLength(4);
  expect(readFileSync(join(study, 'experiment.yaml'), 'utf8')).toMatch(/count: 14/);
  expect(readFileSync(join(study, 'experiment.yaml'), 'utf8')).not.toMatch(/observation|sub-01/);

  // Second run: the simulations are found done (same θ, same chunks), only training runs again.
  const chunkFile = join(study, 'sims', 'chunks', 'chunk-000000.arrow');
  const before = readFileSync(chunkFile);
  const again = hpcinv(...args(study));
  expect(again.status).toBe(0);
  expect(again.stderr).toMatch(/resuming/);
  expect(again.stdout).toMatch(/recommended budget for fc_sum: 10/);
  expect(readFileSync(chunkFile).equals(before)).toBe(true);

  const rep = hpcinv('report', study, '--json', '--out', join(root, 'copy.html'));
  expect(rep.status).toBe(0);
  expect(JSON.parse(rep.stdout).report).toBe(join(root, 'copy.html'));
  expect(existsSync(join(root, 'copy.html'))).toBe(true);
}, 900_000);

test('bad feature sets and budgets: exit 2 with the fix, before anything is created', () => {
  const study = join(root, 'never');
  const unknown = hpcinv('validate', experiment, study, '--budgets', '10', '--features', 'fc_sum+homotopic_fc');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/homotopic_fc are not computed.*fix:/);
  const budget = hpcinv('validate', experiment, study, '--budgets', '10,x', '--features', 'fc_sum');
  expect(budget.status).toBe(2);
  expect(budget.stderr).toMatch(/budget NaN.*fix:/);
  expect(existsSync(study)).toBe(false);
});
