import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../../src/experiment/create-run.js';
import { Rng } from '../../src/flow/rng.js';
import { column, readArrow, writeArrow } from '../../src/store/arrow.js';
import { RunDir } from '../../src/store/run-dir.js';
import { packageRoot } from '../../src/version.js';

// The CLI runs from the build (`npm test` builds first), in a child process as a user would run it.
const main = join(packageRoot, 'dist', 'cli', 'main.js');
const hpcinv = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

let root: string;
let run: RunDir;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hpcinv-cli-npe-'));
  run = new RunDir(join(root, 'run'));
  createRun(join(packageRoot, 'templates', 'experiments', 'starter.yaml'), run.root);
  // The dataset normally comes from simulating brains (minutes); here its features are a cheap known
  // function of G written in the same layout as `hpcinv gather` writes, so train/infer are tested end to end.
  const theta = readArrow(run.theta);
  const sample = column(theta, 'sample') as Int32Array;
  const g = column(theta, 'coupling.a') as Float64Array;
  const n = sample.length;
  const rng = new Rng(3);
  const f1 = Float64Array.from(g, (v) => v + 0.05 * rng.normal());
  const f2 = Float64Array.from(g, (v) => v * v + 0.05 * rng.normal());
  const status = Array.from({ length: n }, (_, i) => (i % 50 === 7 ? 'diverged' : 'ok'));
  status.forEach((s, i) => {
    if (s !== 'ok') f1[i] = f2[i] = NaN;
  });
  writeArrow(run.dataset, {
    names: ['sample', 'coupling.a', 'fc_sum', 'fcd_sum', 'chunk', 'attempt', 'job_id', 'host', 'wall_s', 'status'],
    columns: [sample, g, f1, f2, new Int32Array(n), new Int32Array(n).fill(1), new Array<string>(n).fill('local-1'), new Array<string>(n).fill('h'), new Float64Array(n), status],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('hpcinv train then hpcinv infer recover G from the features', () => {
  expect(existsSync(main)).toBe(true);
  const t = hpcinv('train', run.root, '--max-epochs', '40', '--hidden', '16', '--transforms', '2', '--learning-rate', '0.003', '--seed', '1', '--json');
  expect(t.stderr).toMatch(/epoch 1: train/); // plain progress lines when stderr is not a TTY
  expect(t.status).toBe(0);
  const trained = JSON.parse(t.stdout);
  expect(trained.simulations).toBe(1000 - 20);
  expect(trained.skippedNotOk).toBe(20);
  expect(existsSync(join(run.root, 'model', 'posterior.json'))).toBe(true);

  const obs = join(root, 'obs.json');
  writeFileSync(obs, JSON.stringify({ fcd_sum: 0.49, fc_sum: 0.7 })); // G = 0.7
  const i = hpcinv('infer', run.root, '--observed', obs, '--samples', '2000', '--map', '--json');
  expect(i.status).toBe(0);
  const r = JSON.parse(i.stdout);
  expect(r.summary[0].parameter).toBe('coupling.a');
  expect(Math.abs(r.summary[0].mean - 0.7)).toBeLessThan(0.06);
  expect(r.summary[0].q05).toBeGreaterThanOrEqual(0.1); // inside the prior U(0.1, 1.2)
  expect(Math.abs(r.map['coupling.a'] - 0.7)).toBeLessThan(0.08);
  const samples = readArrow(r.samplesFile);
  expect(samples.names).toEqual(['draw', 'coupling.a']);
  expect(samples.columns[1]!.length).toBe(2000);
});

test('bad observed features: exit 2 with the problem and the fix', () => {
  const csv = join(root, 'obs.csv');
  writeFileSync(csv, 'fc_sum,fcd_sum\nnan,0.3\n');
  const nan = hpcinv('infer', run.root, '--observed', csv);
  expect(nan.status).toBe(2);
  expect(nan.stderr).toMatch(/fc_sum is NaN.*fix:/);
  writeFileSync(csv, 'fc_sum,fcd_sum,extra\n0.5,0.3,1\n');
  const wide = hpcinv('infer', run.root, '--observed', csv);
  expect(wide.status).toBe(2);
  expect(wide.stderr).toMatch(/3 features but the posterior was trained on 2; unknown: extra.*fix:/);
  const none = hpcinv('infer', join(root, 'nowhere'), '--observed', csv);
  expect(none.status).toBe(2);
  expect(none.stderr).toMatch(/no trained posterior.*fix:/);
});
