import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { createRun } from '../../src/experiment/create-run.js';
import { submitRun, retryRun } from '../../src/jobs/sweep.js';
import { gather } from '../../src/store/gather.js';
import { RunDir } from '../../src/store/run-dir.js';
import { readArrow, column } from '../../src/store/arrow.js';
import { runReport } from '../../src/store/run-status.js';
import { foldManifest, readManifest } from '../../src/store/manifest.js';
import { requireBuild, smallExperiment, tempDir } from './sweep-helpers.js';

beforeAll(requireBuild);
afterEach(() => {
  delete process.env.HPCINV_FAULT;
});

function marker(run: RunDir, chunk: number): { attempt: number; sha256: string } {
  return JSON.parse(readFileSync(run.doneMarker(chunk), 'utf8'));
}

test('sample → submit (local) → gather gives every sample exactly once, with θ, features and provenance, and polars reads it', async () => {
  const dir = tempDir('sweep');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 7 }), run.root);
  const r = await submitRun(run.root, { chunkSize: 3, concurrency: 2, quiet: true });
  expect(r.exitCode).toBe(0);
  expect(r.done).toBe(3);
  const g = gather(run);
  expect(g.rows).toBe(7);

  const ds = readArrow(run.dataset);
  expect(Array.from(column(ds, 'sample') as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(column(ds, 'coupling.a')).toEqual(column(readArrow(run.theta), 'coupling.a'));
  expect(Array.from(column(ds, 'chunk') as Int32Array)).toEqual([0, 0, 0, 1, 1, 1, 2]);
  for (const name of ['fc_sum', 'fcd_sum', 'homotopic_fc', 'region_mean_0', 'region_mean_67', 'attempt', 'job_id', 'host', 'wall_s', 'status']) expect(ds.names).toContain(name);
  expect(new Set(column(ds, 'status') as string[])).toEqual(new Set(['ok']));

  const df = pl.readIPC(readFileSync(run.dataset));
  expect(df.height).toBe(7);
  expect(df.getColumn('sample').toArray()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(df.columns).toEqual(ds.names);
});

test('results do not depend on chunking: the same experiment chunked 1-by-1 and 4-by-4 gives identical features', async () => {
  const dir = tempDir('chunking');
  const exp = smallExperiment(dir, { count: 4 });
  const a = new RunDir(join(dir, 'a'));
  const b = new RunDir(join(dir, 'b'));
  createRun(exp, a.root);
  createRun(exp, b.root);
  await submitRun(a.root, { chunkSize: 1, concurrency: 2, quiet: true });
  await submitRun(b.root, { chunkSize: 4, concurrency: 1, quiet: true });
  gather(a);
  gather(b);
  const da = readArrow(a.dataset);
  const db = readArrow(b.dataset);
  const features = da.names.filter((n) => /^(fc_sum|fcd_sum|homotopic_fc|region_mean_\d+)$/.test(n));
  expect(features).toHaveLength(3 + 68);
  for (const f of features) expect(column(da, f)).toEqual(column(db, f));
});

test('a crashing task and a killed task are retried; a chunk failing every attempt is reported, and retry finishes it', async () => {
  const dir = tempDir('faults');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 6 }), run.root);
  // chunk 1 exits with 1 on its first attempt, chunk 2 is SIGKILLed; chunk 0 fails both allowed attempts.
  process.env.HPCINV_FAULT = '1:1:exit,2:1:kill,0:1:exit,0:2:kill';
  const r = await submitRun(run.root, { chunkSize: 2, concurrency: 2, maxAttempts: 2, quiet: true });
  expect(r.exitCode).toBe(1);
  expect(r.failed.map((f) => f.chunk)).toEqual([0]);
  expect(marker(run, 1).attempt).toBe(2);
  expect(marker(run, 2).attempt).toBe(2);
  const history = foldManifest(readManifest(run));
  expect(history.get(1)!.map((a) => a.state)).toEqual(['failed', 'done']);
  expect(history.get(0)!.map((a) => a.state)).toEqual(['failed', 'failed']);
  expect(runReport(run).counts).toMatchObject({ done: 2, failed: 1 });
  expect(() => gather(run)).toThrow(/1 of 3 chunks are not done.*fix: run `hpcinv retry/s);

  delete process.env.HPCINV_FAULT;
  const again = await retryRun(run.root, { concurrency: 2, quiet: true });
  expect(again.exitCode).toBe(0);
  expect(again.summary).toMatch(/^1\/1 retried chunks done \(3\/3 in all\) on local/);
  expect(marker(run, 0).attempt).toBe(3);
  expect(gather(run).rows).toBe(6);
  // Nothing left: the retry says so instead of "0/3 chunks done".
  const idle = await retryRun(run.root, { concurrency: 2, quiet: true });
  expect(idle.exitCode).toBe(0);
  expect(idle.summary).toBe(`all 3 chunks are already done — nothing to retry; next: hpcinv gather ${run.root}`);
  expect(marker(run, 0).attempt).toBe(3);
});

test('truncated and corrupted chunk files are detected and only those chunks are redone', async () => {
  const dir = tempDir('corrupt');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 6 }), run.root);
  await submitRun(run.root, { chunkSize: 2, concurrency: 2, quiet: true });
  const before = [0, 1, 2].map((c) => marker(run, c).sha256);
  truncateSync(run.chunkFile(0), 100);
  const bytes = readFileSync(run.chunkFile(1));
  bytes[bytes.length >> 1] ^= 0x55;
  writeFileSync(run.chunkFile(1), bytes);
  expect(runReport(run).counts).toMatchObject({ done: 1, corrupt: 2 });
  expect(() => gather(run)).toThrow(/2 of 3 chunks are not done/);

  const r = await submitRun(run.root, { concurrency: 2, quiet: true });
  expect(r.exitCode).toBe(0);
  expect([0, 1, 2].map((c) => marker(run, c).attempt)).toEqual([2, 2, 1]);
  expect(marker(run, 2).sha256).toBe(before[2]);
  expect(gather(run).rows).toBe(6);
});
