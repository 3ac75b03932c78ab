import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { taskCommand } from '../../src/jobs/local/task-command.js';
import { RunDir } from '../../src/store/run-dir.js';
import { appendManifest } from '../../src/store/manifest.js';
import { writePlan } from '../../src/store/plan-file.js';
import { planChunks } from '../../src/jobs/plan.js';
import { version } from '../../src/version.js';
import { requireBuild, smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

beforeAll(requireBuild);
const [node, main] = taskCommand();
const hpcinv = (args: string[]) => execa(node, [main, ...args], { reject: false });

test('status --live asks the backend about in-flight jobs: a running task, a chunk waiting in the orchestrator\'s queue; files alone say only "running"', async () => {
  const dir = tempDir('status-live');
  const run = join(dir, 'run');
  const exp = smallExperiment(dir, { count: 2, batchSize: 1 });
  // Long simulations, so the first task is still running while status looks (the test cancels it).
  writeFileSync(exp, readFileSync(exp, 'utf8').replace('duration: 100', 'duration: 100000'));
  await hpcinv(['sample', exp, run]);
  const sweep = hpcinv(['submit', run, '--chunk-size', '1', '--concurrency', '1']);
  try {
    const pidDir = new RunDir(run).backendDir('local');
    const until = Date.now() + 60_000;
    while (!(existsSync(pidDir) && readdirSync(pidDir).some((f) => f.endsWith('.pid.json')))) {
      if (Date.now() > until) throw new Error('no task started');
      await new Promise((r) => setTimeout(r, 100));
    }
    const files = JSON.parse((await hpcinv(['status', run, '--json'])).stdout);
    expect(files.counts.running).toBe(2);
    expect(files.chunks.every((c: { backendState?: string }) => c.backendState === undefined)).toBe(true);

    const live = await hpcinv(['status', run, '--live', '--json']);
    expect(live.exitCode).toBe(0);
    const r = JSON.parse(live.stdout);
    expect(r.live).toEqual([{ backend: 'local', jobs: 2 }]);
    // Chunk 0 runs (its pid file names a live task); chunk 1 waits in the orchestrator's memory, which
    // no other process can see: the local backend says "unknown" and the text explains the possibilities.
    expect(r.chunks.map((c: { backendState: string }) => c.backendState)).toEqual(['running', 'unknown']);
    expect(r.chunks[1].why).toMatch(/waiting in the orchestrator's own queue/);

    const text = await hpcinv(['status', run, '--live', '--chunks']);
    expect(text.stdout).toMatch(/in flight per local: 1 running, 1 unknown/);
    expect(text.stdout).toMatch(/chunk 0 \[0,1\) running, 1 attempt\(s\), job local-\S+ \(running\): running; done when its done-marker is written/);
  } finally {
    await hpcinv(['cancel', run]);
    await sweep;
  }
}, 120_000);

test('status --live when the backend cannot answer: the file status is still printed, the reason and fix on stderr, exit 3', async () => {
  const dir = tempDir('status-live-down');
  const run = new RunDir(join(dir, 'run'));
  await hpcinv(['sample', smallExperiment(dir, { count: 2 }), run.root]);
  writePlan(run, { version, nSamples: 2, chunkSize: 1, sizing: { targetTaskSeconds: 1, secondsPerSimulation: null, source: 'fixed' }, chunks: planChunks(2, 1), created: 'now' });
  // A job of a backend this installation does not have (e.g. a run directory copied from another machine).
  appendManifest(run, [{ chunk: 1, attempt: 1, backend: 'elsewhere', state: 'submitted', time: 'then', jobId: 'job-7' }]);
  const text = await hpcinv(['status', run.root, '--live']);
  expect(text.exitCode).toBe(3);
  expect(text.stdout).toMatch(/chunks: 0 done, 1 running, 0 failed, 0 corrupt, 1 missing of 2/);
  expect(text.stderr).toMatch(/could not ask elsewhere about 1 job\(s\): unknown backend "elsewhere" .* — fix: check the connection and credentials/);
  const json = await hpcinv(['status', run.root, '--live', '--json']);
  expect(json.exitCode).toBe(3);
  expect(JSON.parse(json.stdout).live).toEqual([{ backend: 'elsewhere', jobs: 1, error: expect.stringMatching(/unknown backend/) }]);
}, 60_000);
