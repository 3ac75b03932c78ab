import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../src/experiment/create-run.js';
import { execa } from 'execa';
import { taskCommand } from '../../src/jobs/local/task-command.js';
import { writePlan } from '../../src/store/plan-file.js';
import { planChunks } from '../../src/jobs/plan.js';
import { RunDir } from '../../src/store/run-dir.js';
import { readArrow, column } from '../../src/store/arrow.js';
import { checkChunk } from '../../src/store/done-marker.js';
import { version } from '../../src/version.js';
import { requireBuild, smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

// The task runs as the real CLI process (simulation hot loops run ~10× slower inside jest's VM context).
beforeAll(requireBuild);
const [node, main] = taskCommand();
const task = (run: RunDir, args: string[]) => execa(node, [main, 'task', run.root, ...args], { reject: false });

function plan(run: RunDir, n: number, size: number): void {
  writePlan(run, { version, nSamples: n, chunkSize: size, sizing: { targetTaskSeconds: 1, secondsPerSimulation: null, source: 'fixed' }, chunks: planChunks(n, size), created: 'now' });
}

test('a diverging simulation is recorded for its sample (NaN features, status diverged) and the chunk completes; grid design', async () => {
  const dir = tempDir('diverge');
  const exp = smallExperiment(dir);
  // A grid sweep over G: 0.5 is stable; G = 60 on the max-normalised 68-region connectome blows up at once.
  writeFileSync(
    exp,
    readFileSync(exp, 'utf8')
      .replace('prior: { kind: uniform, low: 0.1, high: 1.2 }', 'grid: { kind: values, values: [0.5, 60] }')
      .replace('simulations: { count: 8,', 'simulations: { design: grid,'),
  );
  const run = new RunDir(join(dir, 'run'));
  expect(createRun(exp, run.root)).toMatchObject({ samples: 2, design: 'grid' });
  plan(run, 2, 2);
  const res = await task(run, ['--chunk', '0', '--job-id', 'test-1']);
  expect(res.exitCode).toBe(0);
  expect(res.stdout).toMatch(/chunk 0: 2 simulations \(1 diverged\)/);
  expect(checkChunk(run, 0, 2).ok).toBe(true);
  const t = readArrow(run.chunkFile(0));
  expect(column(t, 'status')).toEqual(['ok', 'diverged']);
  expect(Array.from(column(t, 'coupling.a') as Float64Array)).toEqual([0.5, 60]);
  const fc = column(t, 'fc_sum') as Float64Array;
  expect(Number.isFinite(fc[0])).toBe(true);
  expect(Number.isNaN(fc[1])).toBe(true);
  expect(column(t, 'job_id')).toEqual(['test-1', 'test-1']);
});

test('batch size does not change the numbers: batches of 1 and of 2 give identical features', async () => {
  const dir = tempDir('batch');
  const one = new RunDir(join(dir, 'one'));
  const two = new RunDir(join(dir, 'two'));
  createRun(smallExperiment(join(dir), { count: 2, batchSize: 1 }), one.root);
  createRun(smallExperiment(join(dir), { count: 2, batchSize: 2 }), two.root);
  plan(one, 2, 2);
  plan(two, 2, 2);
  await Promise.all([task(one, ['--chunk', '0']), task(two, ['--chunk', '0'])]);
  const a = readArrow(one.chunkFile(0));
  const b = readArrow(two.chunkFile(0));
  for (const name of ['fc_sum', 'fcd_sum', 'homotopic_fc', 'region_mean_5']) expect(column(a, name)).toEqual(column(b, name));
});

test('one task call runs several chunks (as a packed array element does); an unknown chunk id is refused with the valid range', async () => {
  const dir = tempDir('badchunk');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 2 }), run.root);
  plan(run, 2, 1);
  const both = await task(run, ['--chunk', '0', '--chunk', '1', '--attempt', '3']);
  expect(both.exitCode).toBe(0);
  for (const c of [0, 1]) {
    expect(checkChunk(run, c, 1)).toMatchObject({ ok: true, marker: { chunk: c, attempt: 3 } });
    expect(Array.from(column(readArrow(run.chunkFile(c)), 'sample') as Int32Array)).toEqual([c]);
  }
  const res = await task(run, ['--chunk', '5']);
  expect(res.exitCode).toBe(2);
  expect(res.stderr).toMatch(/chunk 5 is not in .*plan.json \(chunks 0–1\) — fix:/);
});
