import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createRun } from '../../src/experiment/create-run.js';
import { submitRun } from '../../src/jobs/sweep.js';
import { gather } from '../../src/store/gather.js';
import { RunDir } from '../../src/store/run-dir.js';
import { readArrow, column } from '../../src/store/arrow.js';
import { foldManifest, readManifest } from '../../src/store/manifest.js';
import { taskCommand } from '../../src/jobs/local/task-command.js';
import { requireBuild, smallExperiment, tempDir } from './sweep-helpers.js';

beforeAll(requireBuild);

const cli = taskCommand();

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function doneChunks(run: RunDir): number[] {
  if (!existsSync(run.chunksDir)) return [];
  return readdirSync(run.chunksDir)
    .filter((f) => f.endsWith('.done.json'))
    .map((f) => Number(f.slice(6, 12)));
}

function runningUnfinished(run: RunDir): number[] {
  const done = new Set(doneChunks(run));
  const out: number[] = [];
  for (const [chunk, attempts] of foldManifest(readManifest(run))) {
    const last = attempts[attempts.length - 1];
    const pidFile = join(run.backendDir('local'), `${last.jobId}.pid.json`);
    if (done.has(chunk) || !last.jobId || !existsSync(pidFile)) continue;
    try {
      const { pid } = JSON.parse(readFileSync(pidFile, 'utf8'));
      process.kill(pid, 0);
      out.push(chunk);
    } catch {
      /* gone */
    }
  }
  return out;
}

test('SIGKILL the orchestrator mid-run, resume: finished chunks are kept, running tasks re-attached, every sample once', async () => {
  const dir = tempDir('kill');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 6, batchSize: 1 }), run.root);
  const orchestrator = execa(cli[0], [...cli.slice(1), 'submit', run.root, '--chunk-size', '1', '--concurrency', '2'], { reject: false });
  // Kill when 2 chunks are done and a task of an unfinished chunk is running (a live process with a pid file).
  await waitFor(() => doneChunks(run).length >= 2 && runningUnfinished(run).length > 0, 90_000);
  orchestrator.kill('SIGKILL');
  const killed = await orchestrator;
  expect(killed.signal).toBe('SIGKILL');
  const finishedBefore = doneChunks(run);
  const mtimes = new Map(finishedBefore.map((c) => [c, statSync(run.chunkFile(c)).mtimeMs]));

  // The killed orchestrator's tasks may still be running (orphans); the new one must watch, not duplicate them.
  const r = await submitRun(run.root, { concurrency: 2, quiet: true });
  expect(r.exitCode).toBe(0);
  for (const [c, m] of mtimes) expect(statSync(run.chunkFile(c)).mtimeMs).toBe(m);
  const history = foldManifest(readManifest(run));
  for (const c of finishedBefore) expect(history.get(c)!.filter((a) => a.state !== 'done')).toHaveLength(0);
  // Tasks that were running at the kill were watched to completion by the new orchestrator (attempt 1 done).
  const reattached = [...history.entries()].filter(([c, a]) => !finishedBefore.includes(c) && a.length === 1 && a[0].state === 'done');
  expect(reattached.length).toBeGreaterThanOrEqual(1);
  // No chunk was finished twice: at most one 'done' attempt each.
  for (const [, attempts] of history) expect(attempts.filter((a) => a.state === 'done').length).toBe(1);
  gather(run);
  expect(Array.from(column(readArrow(run.dataset), 'sample') as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
});

test('a task SIGKILLed from outside (real process, found by its pid file) is retried', async () => {
  const dir = tempDir('extkill');
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count: 2, batchSize: 1 }), run.root);
  const sweep = submitRun(run.root, { chunkSize: 1, concurrency: 1, quiet: true });
  const pidDir = run.backendDir('local');
  await waitFor(() => existsSync(pidDir) && readdirSync(pidDir).some((f) => f.endsWith('.pid.json')), 30_000);
  const pidFile = readdirSync(pidDir).find((f) => f.endsWith('.pid.json'))!;
  const { pid } = JSON.parse(readFileSync(join(pidDir, pidFile), 'utf8'));
  process.kill(pid, 'SIGKILL');
  const r = await sweep;
  expect(r.exitCode).toBe(0);
  const history = foldManifest(readManifest(run));
  const retried = [...history.values()].filter((a) => a.length === 2);
  expect(retried).toHaveLength(1);
  expect(retried[0][0]).toMatchObject({ state: 'failed', reason: 'job failed' });
  expect(gather(run).rows).toBe(2);
});
