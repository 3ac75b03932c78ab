import { join } from 'node:path';
import type { Backend, BackendHints, ChunkAttempt, JobState, SubmittedTask } from '../../src/jobs/backend.js';
import { LocalBackend } from '../../src/jobs/local/local-backend.js';
import { runSweep } from '../../src/jobs/lifecycle.js';
import { createRun } from '../../src/experiment/create-run.js';
import { writePlan } from '../../src/store/plan-file.js';
import { planChunks } from '../../src/jobs/plan.js';
import { RunDir } from '../../src/store/run-dir.js';
import { appendManifest, foldManifest, readManifest } from '../../src/store/manifest.js';
import { version } from '../../src/version.js';
import { requireBuild, smallExperiment, tempDir } from './sweep-helpers.js';

beforeAll(requireBuild);

/**
 * Scheduler behaviours the local backend never shows, put in front of the real local backend (tasks
 * still run as real processes): a queue that does not report jobs for a while (SLURM before accounting
 * knows them), and a scheduler that accepts a job and then forgets it without running it.
 */
class SchedulerQuirks implements Backend, BackendHints {
  readonly name = 'local';
  readonly maxPollIntervalMs = 200;
  polls = 0;
  constructor(
    private readonly inner: LocalBackend,
    private readonly quirks: { silentPolls?: number; failingPolls?: number; dropFirstSubmission?: boolean; lostGraceMs: number },
  ) {}
  get lostGraceMs(): number {
    return this.quirks.lostGraceMs;
  }
  readonly completionGraceMs = 0;
  stageIn = () => this.inner.stageIn();
  stageOut = () => this.inner.stageOut();
  cancel = (d: string, ids: string[]) => this.inner.cancel(d, ids);
  close = () => this.inner.close();
  async submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]> {
    if (this.quirks.dropFirstSubmission) {
      this.quirks.dropFirstSubmission = false;
      return attempts.map((a) => ({ jobId: `dropped-${a.chunk}`, attempts: [a], log: 'logs/dropped.log' }));
    }
    return this.inner.submit(runDir, attempts);
  }
  async poll(runDir: string, ids: string[]): Promise<Map<string, JobState>> {
    this.polls++;
    if (this.polls <= (this.quirks.failingPolls ?? 0)) throw new Error('connection reset by peer');
    if (this.polls <= (this.quirks.silentPolls ?? 0)) return new Map(ids.map((id) => [id, 'unknown' as JobState]));
    const states = await this.inner.poll(runDir, ids);
    for (const id of ids) if (id.startsWith('dropped-')) states.set(id, 'unknown');
    return states;
  }
}

function newRun(prefix: string, count: number): RunDir {
  const dir = tempDir(prefix);
  const run = new RunDir(join(dir, 'run'));
  createRun(smallExperiment(dir, { count, batchSize: 1 }), run.root);
  writePlan(run, { version, nSamples: count, chunkSize: 1, sizing: { targetTaskSeconds: 1, secondsPerSimulation: null, source: 'fixed' }, chunks: planChunks(count, 1), created: 'now' });
  return run;
}

test('jobs the scheduler does not report yet are not failed: done-markers complete them within the grace period', async () => {
  const run = newRun('quiet', 2);
  const backend = new SchedulerQuirks(new LocalBackend({ concurrency: 2 }), { silentPolls: 1_000_000, lostGraceMs: 600_000 });
  const r = await runSweep(run.root, { backend, maxAttempts: 1, initialPollMs: 50 });
  expect(r.done).toEqual([0, 1]);
  expect(r.failed).toEqual([]);
  const history = foldManifest(readManifest(run));
  expect([...history.values()].map((a) => a.map((x) => x.state))).toEqual([['done'], ['done']]);
});

test('a job the scheduler accepted and then forgot is declared lost after the grace period and resubmitted', async () => {
  const run = newRun('dropped', 2);
  const backend = new SchedulerQuirks(new LocalBackend({ concurrency: 2 }), { dropFirstSubmission: true, lostGraceMs: 300 });
  const r = await runSweep(run.root, { backend, maxAttempts: 2, initialPollMs: 50 });
  expect(r.done).toEqual([0, 1]);
  const history = foldManifest(readManifest(run));
  for (const attempts of history.values()) {
    expect(attempts.map((a) => a.state)).toEqual(['lost', 'done']);
    expect(attempts[0].reason).toMatch(/unknown to local and left no output/);
  }
});

test('a few failing polls (network or scheduler hiccups) do not end the sweep', async () => {
  const run = newRun('flaky', 1);
  const events: string[] = [];
  const backend = new SchedulerQuirks(new LocalBackend({ concurrency: 1 }), { failingPolls: 3, lostGraceMs: 600_000 });
  const r = await runSweep(run.root, { backend, maxAttempts: 1, initialPollMs: 50, onEvent: (m) => events.push(m) });
  expect(r.done).toEqual([0]);
  expect(events.filter((e) => /polling local failed \(connection reset by peer\); retrying/.test(e))).toHaveLength(3);
});

test('an orchestrator killed between "submitting" and the backend answer: the attempt is lost, never reused, and redone', async () => {
  const run = newRun('torn', 2);
  // What the manifest holds when the orchestrator dies inside backend.submit: intent, no job id.
  appendManifest(run, [{ chunk: 0, attempt: 1, backend: 'local', state: 'submitting', time: 'then' }]);
  const r = await runSweep(run.root, { backend: new LocalBackend({ concurrency: 2 }), maxAttempts: 3, initialPollMs: 50 });
  expect(r.done).toEqual([0, 1]);
  const history = foldManifest(readManifest(run));
  expect(history.get(0)!.map((a) => [a.attempt, a.state])).toEqual([
    [1, 'lost'],
    [2, 'done'],
  ]);
  expect(history.get(0)![0].reason).toMatch(/orchestrator stopped before the backend answered/);
  expect(history.get(1)!.map((a) => [a.attempt, a.state])).toEqual([[1, 'done']]);
});
