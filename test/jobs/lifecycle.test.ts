import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Backend, BackendHints, ChunkAttempt, JobState, SubmittedTask } from '../../src/jobs/backend.js';
import { LocalBackend } from '../../src/jobs/local/local-backend.js';
import { runSweep } from '../../src/jobs/lifecycle.js';
import { createRun } from '../../src/experiment/create-run.js';
import { writePlan } from '../../src/store/plan-file.js';
import { planChunks } from '../../src/jobs/plan.js';
import { RunDir } from '../../src/store/run-dir.js';
import { appendManifest, foldManifest, readManifest } from '../../src/store/manifest.js';
import { cancelRequestPath } from '../../src/store/run-status.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { cancelRun } from '../../src/jobs/sweep.js';
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

const TERMINAL = new Set<JobState>(['completed', 'failed', 'cancelled', 'timeout', 'preempted']);

/**
 * The real local backend, with an interruption made to land INSIDE a poll — after the lifecycle's
 * top-of-round cancel check and before it classifies states — which is the moment the race needs. The
 * interruption is real: `cancelRun` (what `hpcinv cancel` runs) SIGTERMs the task processes through
 * their pid files, or a plain SIGTERM from "an admin", or a CANCEL file written when a job failed.
 */
class InterruptInPoll implements Backend, BackendHints {
  readonly name = 'local';
  readonly lostGraceMs = 0;
  readonly completionGraceMs = 0;
  readonly maxPollIntervalMs = 200;
  fired = false;
  private readonly chunks = new Map<string, number>();
  constructor(
    private readonly inner: LocalBackend,
    private readonly how: 'hpcinv-cancel' | 'admin-kill' | 'request-after-failure',
  ) {}
  stageIn = () => this.inner.stageIn();
  stageOut = () => this.inner.stageOut();
  cancel = (d: string, ids: string[]) => this.inner.cancel(d, ids);
  close = () => this.inner.close();
  async submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]> {
    const tasks = await this.inner.submit(runDir, attempts);
    for (const t of tasks) this.chunks.set(t.jobId, t.attempts[0].chunk);
    return tasks;
  }
  private chunkOf(jobId: string): number {
    return this.chunks.get(jobId)!;
  }
  async poll(runDir: string, ids: string[]): Promise<Map<string, JobState>> {
    const states = await this.inner.poll(runDir, ids);
    if (this.fired) return states;
    if (this.how === 'request-after-failure') {
      if (![...states.values()].includes('failed')) return states;
      this.fired = true;
      writeFileAtomic(cancelRequestPath(new RunDir(runDir)), 'test\n');
      return states;
    }
    const victims = ids.filter((id) => states.get(id) === 'running');
    if (victims.length === 0) return states;
    this.fired = true;
    if (this.how === 'hpcinv-cancel') await cancelRun(runDir);
    else {
      const run = new RunDir(runDir);
      for (const id of victims) {
        const { pid } = JSON.parse(readFileSync(join(run.backendDir('local'), `${id}.pid.json`), 'utf8')) as { pid: number };
        // Killed mid-write: the half-written temp file a real task would leave, named by its real pid.
        mkdirSync(run.chunksDir, { recursive: true });
        writeFileSync(join(run.chunksDir, `chunk-${String(this.chunkOf(id)).padStart(6, '0')}.arrow.tmp-${pid}`), 'half a file');
        process.kill(pid, 'SIGTERM');
      }
    }
    // Answer only once the backend itself has seen the tasks end: it reports them before the lifecycle
    // gets another chance to look at the CANCEL file.
    while (![...(await this.inner.poll(runDir, victims)).values()].every((s) => TERMINAL.has(s))) await new Promise((r) => setTimeout(r, 20));
    return this.inner.poll(runDir, ids);
  }
}

describe('cancelling', () => {
  test.each([1, 3])('jobs killed by `hpcinv cancel` and reported cancelled before the request is seen are not resubmitted; the run ends cancelled (max attempts %i)', async (maxAttempts) => {
    const run = newRun(`cancel-${maxAttempts}`, 2);
    const backend = new InterruptInPoll(new LocalBackend({ concurrency: 2 }), 'hpcinv-cancel');
    try {
      const r = await runSweep(run.root, { backend, maxAttempts, initialPollMs: 20 });
      expect(backend.fired).toBe(true);
      expect(r.cancelled).toBe(true);
      expect(r.failed).toEqual([]);
      const records = readManifest(run);
      expect(records.filter((x) => x.attempt > 1)).toEqual([]);
      const history = foldManifest(records);
      for (const id of [0, 1]) expect(history.get(id)!.map((a) => a.state)).toEqual(['cancelled']);
      expect(LocalBackend.liveJobIds(run.root)).toEqual([]);
    } finally {
      await backend.close();
    }
  });

  test('a cancel request that arrives after a job failed stops its resubmission: the failure is kept, the run ends cancelled', async () => {
    const run = newRun('cancel-after-failure', 2);
    const backend = new InterruptInPoll(new LocalBackend({ concurrency: 2, env: { HPCINV_FAULT: '0:1:exit' } }), 'request-after-failure');
    try {
      const r = await runSweep(run.root, { backend, maxAttempts: 3, initialPollMs: 20 });
      expect(backend.fired).toBe(true);
      expect(r.cancelled).toBe(true);
      expect(readManifest(run).filter((x) => x.attempt > 1)).toEqual([]);
      expect(foldManifest(readManifest(run)).get(0)!.map((a) => [a.state, a.reason])).toEqual([['failed', 'job failed']]);
    } finally {
      await backend.close();
    }
  });

  test('a job cancelled by someone else (SIGTERM, no cancel request) is retried within the attempt cap; its temp file is removed', async () => {
    const run = newRun('admin-kill', 2);
    const backend = new InterruptInPoll(new LocalBackend({ concurrency: 2 }), 'admin-kill');
    try {
      const events: string[] = [];
      const r = await runSweep(run.root, { backend, maxAttempts: 2, initialPollMs: 20, onEvent: (m) => events.push(m) });
      expect(readdirSync(run.chunksDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(events.some((e) => /^removed [12] temp file\(s\) left by killed tasks/.test(e))).toBe(true);
      expect(backend.fired).toBe(true);
      expect(r).toMatchObject({ cancelled: false, done: [0, 1], failed: [] });
      const killed = [...foldManifest(readManifest(run)).values()].filter((a) => a.length > 1);
      expect(killed.length).toBeGreaterThan(0);
      for (const a of killed) expect(a.map((x) => [x.state, x.reason])).toEqual([['failed', 'job cancelled'], ['done', undefined]]);
    } finally {
      await backend.close();
    }
  });
});

test('temp files of tasks killed mid-write are removed at start; a live writer\'s are kept', async () => {
  const run = newRun('temps', 1);
  mkdirSync(run.chunksDir, { recursive: true });
  // A real pid that is gone, and a real live Node process (not ours) writing "chunk 0".
  const gone = execa(process.execPath, ['-e', '']);
  const deadPid = gone.pid!;
  await gone;
  const live = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const dead = join(run.chunksDir, `chunk-000000.arrow.tmp-${deadPid}`);
    const alive = join(run.chunksDir, `chunk-000000.done.json.tmp-${live.pid}`);
    for (const f of [dead, alive]) writeFileSync(f, 'half a file');
    const events: string[] = [];
    const r = await runSweep(run.root, { backend: new LocalBackend({ concurrency: 1 }), maxAttempts: 1, initialPollMs: 20, onEvent: (m) => events.push(m) });
    expect(r.done).toEqual([0]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(events).toContain('removed 1 temp file(s) left by killed tasks in chunks/');
  } finally {
    live.kill('SIGKILL');
    await live.catch(() => {});
  }
});
