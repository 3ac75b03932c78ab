import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import type { Backend, BackendHints, ChunkAttempt, JobState, SubmittedTask } from '../backend.js';
import { RunDir } from '../../store/run-dir.js';
import { writeFileAtomic } from '../../store/atomic.js';
import { taskCommand } from './task-command.js';

export interface LocalBackendOptions {
  /** Tasks running at once; default: the machine's cores. */
  concurrency?: number;
  /** The command before `task ...`; default `node <package>/dist/cli/main.js`. */
  command?: string[];
  /** Extra environment for the tasks. */
  env?: Record<string, string>;
}

interface Job {
  jobId: string;
  attempts: ChunkAttempt[];
  log: string;
  state: JobState;
  proc?: ReturnType<typeof execa>;
  cancelled?: boolean;
}

/**
 * The embedded default backend: every chunk attempt is a real `hpcinv task` child process; at most
 * `concurrency` run at once, the rest wait in a queue here (this backend is its own small scheduler, so a
 * finishing task starts the next one at once, without waiting for the lifecycle's next poll).
 *
 * Re-attach: each running task has a pid file in `backend/local/`. A new orchestrator that finds a job id
 * it did not start asks the pid file, and checks `/proc/<pid>/cmdline` still names that job id (pids are
 * reused), so a task left running by a killed orchestrator is watched, not duplicated.
 */
export class LocalBackend implements Backend, BackendHints {
  readonly name = 'local';
  /** A local job that is neither ours nor alive is gone for good: no grace needed. */
  readonly lostGraceMs = 0;
  readonly completionGraceMs = 0;
  readonly maxPollIntervalMs = 1000;
  readonly concurrency: number;
  private readonly command: string[];
  private readonly env: Record<string, string>;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly token = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  private seq = 0;
  /** Spawn-to-exit wall time of every task this backend ran, in ms (for the sweep benchmark's overhead). */
  readonly taskWallMs = new Map<string, number>();

  constructor(opts: LocalBackendOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? availableParallelism()));
    this.command = opts.command ?? taskCommand();
    this.env = opts.env ?? {};
  }

  async stageIn(): Promise<void> {
    /* the run directory is where tasks run */
  }

  async stageOut(): Promise<void> {
    /* tasks write straight into runDir/chunks */
  }

  async describe(runDir: string, attempts: ChunkAttempt[]): Promise<string> {
    const lines = attempts.map((a) => [...this.command, ...this.args(runDir, a, `local-<id>-${a.chunk}`)].map(shellQuote).join(' '));
    return `# local backend: ${attempts.length} task(s), at most ${this.concurrency} at once\n${lines.join('\n')}\n`;
  }

  async submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]> {
    const run = new RunDir(runDir);
    mkdirSync(run.logsDir, { recursive: true });
    mkdirSync(run.backendDir('local'), { recursive: true });
    const tasks: SubmittedTask[] = [];
    for (const a of attempts) {
      const jobId = `local-${this.token}-${++this.seq}`;
      const job: Job = { jobId, attempts: [a], log: run.logRel(jobId), state: 'pending' };
      this.jobs.set(jobId, job);
      this.queue.push(job);
      tasks.push({ jobId, attempts: job.attempts, log: job.log });
    }
    this.pump(run);
    return tasks;
  }

  async poll(runDir: string, jobIds: string[]): Promise<Map<string, JobState>> {
    const run = new RunDir(runDir);
    const out = new Map<string, JobState>();
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      out.set(id, job ? job.state : foreignTaskAlive(run, id) ? 'running' : 'unknown');
    }
    return out;
  }

  async cancel(runDir: string, jobIds: string[]): Promise<void> {
    const run = new RunDir(runDir);
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (job) {
        job.cancelled = true;
        if (job.state === 'pending') {
          job.state = 'cancelled';
          this.queue.splice(this.queue.indexOf(job), 1);
        } else job.proc?.kill('SIGTERM');
      } else {
        const pid = foreignTaskAlive(run, id);
        if (pid) process.kill(pid, 'SIGTERM');
      }
    }
  }

  /** Every task of this run still alive per its pid file (for `hpcinv cancel` from another process). */
  static liveJobIds(runDir: string): string[] {
    const run = new RunDir(runDir);
    const dir = run.backendDir('local');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pid.json'))
      .map((f) => f.slice(0, -'.pid.json'.length))
      .filter((id) => foreignTaskAlive(run, id));
  }

  async close(): Promise<void> {
    this.queue.splice(0);
    const live = [...this.jobs.values()].filter((j) => j.state === 'running' && j.proc);
    for (const j of live) {
      j.cancelled = true;
      j.proc!.kill('SIGTERM');
    }
    await Promise.allSettled(live.map((j) => j.proc));
  }

  private args(runDir: string, a: ChunkAttempt, jobId: string): string[] {
    return ['task', runDir, '--chunk', String(a.chunk), '--attempt', String(a.attempt), '--job-id', jobId];
  }

  private pump(run: RunDir): void {
    while (this.running < this.concurrency && this.queue.length > 0) this.start(run, this.queue.shift()!);
  }

  private start(run: RunDir, job: Job): void {
    const log = join(run.root, job.log);
    const pidFile = pidFilePath(run, job.jobId);
    const proc = execa(this.command[0], [...this.command.slice(1), ...this.args(run.root, job.attempts[0], job.jobId)], {
      stdin: 'ignore',
      // Both streams appended to one log (O_APPEND: lines of the two never overwrite each other).
      stdout: { file: log, append: true },
      stderr: { file: log, append: true },
      reject: false,
      env: { ...this.env, HPCINV_JOB_ID: job.jobId },
    });
    const started = performance.now();
    job.proc = proc;
    job.state = 'running';
    this.running++;
    if (proc.pid !== undefined) writeFileAtomic(pidFile, JSON.stringify({ pid: proc.pid, jobId: job.jobId }) + '\n');
    void proc.then((result) => {
      this.running--;
      this.taskWallMs.set(job.jobId, performance.now() - started);
      // SIGTERM from outside (`hpcinv cancel` run in another process, a user's kill) is a cancellation,
      // as scancel is on SLURM; the lifecycle decides whether it is retried.
      job.state = job.cancelled || result.signal === 'SIGTERM' ? 'cancelled' : result.exitCode === 0 ? 'completed' : 'failed';
      try {
        unlinkSync(pidFile);
      } catch {
        /* already removed */
      }
      this.pump(run);
    });
  }
}

function pidFilePath(run: RunDir, jobId: string): string {
  return join(run.backendDir('local'), `${jobId}.pid.json`);
}

/** The pid of a live task with this job id started by another orchestrator, or 0. */
function foreignTaskAlive(run: RunDir, jobId: string): number {
  try {
    const { pid } = JSON.parse(readFileSync(pidFilePath(run, jobId), 'utf8')) as { pid: number };
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie (state Z) has finished; its cmdline is empty anyway, but be explicit.
    if (/\) Z /.test(stat)) return 0;
    return cmdline.includes(jobId) ? pid : 0;
  } catch {
    return 0;
  }
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
