import { BackendError } from '../../errors.js';
import type { JobState } from '../backend.js';
import type { ExecResult, Transport } from '../transport/transport.js';
import { parseStateLines } from './states.js';

export interface SchedulerOptions {
  accounting: 'auto' | 'on' | 'off';
  submitsPerMinute: number;
  /** Attempts at one sbatch call when the controller or connection fails. */
  maxSubmitTries?: number;
  /** First wait before checking by job name and retrying; doubles each time. */
  retryDelayMs?: number;
}

/** Counts of scheduler commands run, for the "scheduler calls per minute" figure. */
export interface SchedulerCalls {
  sbatch: number;
  squeue: number;
  sacct: number;
  scancel: number;
}

// Messages of a controller or connection that is down or overloaded: the same call may work later.
const TRANSIENT = /Unable to contact slurm controller|Socket timed out|Connection refused|Resource temporarily unavailable|temporarily unavailable|try again|Zero Bytes were transmitted|Transport endpoint/i;
const COMMAND_TIMEOUT_MS = 120_000;

/**
 * The SLURM commands hpcinv runs, over any transport: sbatch (rate-limited, retried only after checking
 * by job name that nothing was submitted), one batched squeue (+ sacct) per poll, scancel.
 */
export class SlurmScheduler {
  readonly calls: SchedulerCalls = { sbatch: 0, squeue: 0, sacct: 0, scancel: 0 };
  private accountingWorks: boolean | undefined;
  private lastSubmit = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: SchedulerOptions,
  ) {
    if (options.accounting !== 'auto') this.accountingWorks = options.accounting === 'on';
  }

  /** Submit a job script (on stdin) from `cwd`; returns the array job id. */
  async submit(script: string, cwd: string, jobName: string): Promise<string> {
    const tries = this.options.maxSubmitTries ?? 4;
    let delay = this.options.retryDelayMs ?? 1000;
    let lastProblem = '';
    for (let attempt = 1; attempt <= tries; attempt++) {
      await this.respectSubmitRate();
      this.calls.sbatch++;
      let result: ExecResult | undefined;
      try {
        result = await this.transport.exec(['sbatch', '--parsable'], { stdin: script, cwd, timeoutMs: COMMAND_TIMEOUT_MS });
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        lastProblem = err.message;
      }
      if (result?.exitCode === 0) {
        const id = result.stdout.trim().split('\n').pop()!.split(';')[0]!;
        if (!/^\d+$/.test(id)) throw new BackendError(`sbatch printed "${result.stdout.trim()}" instead of a job id — fix: check for a site wrapper around sbatch that prints extra text`);
        return id;
      }
      if (result) {
        lastProblem = `sbatch exited ${result.exitCode}: ${oneLine(result.stderr) || oneLine(result.stdout)}`;
        if (!TRANSIENT.test(result.stderr)) {
          throw new BackendError(`${lastProblem} — fix: correct the site profile (slurm section) or template; \`hpcinv render\` shows the script and its sbatch --test-only verdict`);
        }
      }
      // The call may have reached the controller before failing: never submit twice.
      await sleep(delay);
      delay *= 2;
      const existing = await this.findByName(jobName);
      if (existing) return existing;
    }
    throw new BackendError(`could not submit ${jobName} on ${this.transport.describe} after ${tries} tries (${lastProblem}) — fix: check that the scheduler responds (sinfo) and run the same command again; it re-attaches and submits only what is missing`);
  }

  /** `sbatch --test-only`: SLURM's verdict on a script without submitting it. */
  async testOnly(script: string, cwd: string): Promise<{ ok: boolean; message: string }> {
    const r = await this.transport.exec(['sbatch', '--test-only'], { stdin: script, cwd, timeoutMs: COMMAND_TIMEOUT_MS });
    return { ok: r.exitCode === 0, message: (r.stderr + r.stdout).trim() };
  }

  /** The array job id of a job with this (unique) name, in the queue or in accounting. */
  async findByName(jobName: string): Promise<string | undefined> {
    for (let tries = 0; ; tries++) {
      try {
        this.calls.squeue++;
        const q = await this.transport.exec(['squeue', '-h', '--states=all', `--name=${jobName}`, '-o', '%F'], { timeoutMs: COMMAND_TIMEOUT_MS });
        if (q.exitCode === 0) {
          const id = q.stdout.split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l));
          if (id) return id;
          if (!(await this.hasAccounting())) return undefined;
          this.calls.sacct++;
          const a = await this.transport.exec(['sacct', '-n', '-X', '-P', '--starttime=now-7days', `--name=${jobName}`, '-o', 'JobID'], { timeoutMs: COMMAND_TIMEOUT_MS });
          if (a.exitCode === 0) return a.stdout.split('\n').map((l) => /^(\d+)/.exec(l.trim())?.[1]).find((x) => x);
        }
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
      }
      if (tries >= 5) {
        throw new BackendError(`cannot tell whether ${jobName} was submitted: the scheduler on ${this.transport.describe} does not answer — fix: wait until squeue works, then run the same command again (it checks by name before submitting)`);
      }
      await sleep(1000 * 2 ** tries);
    }
  }

  /**
   * States of every task of the given array jobs: one squeue call, plus one sacct call for the tasks
   * that already left the queue (when the cluster has accounting). Tasks found in neither are absent
   * from the map — the caller reports them as 'unknown', never as failed.
   */
  async states(arrayJobIds: readonly string[]): Promise<Map<string, JobState>> {
    const ids = [...new Set(arrayJobIds)];
    if (ids.length === 0) return new Map();
    this.calls.squeue++;
    const q = await this.transport.exec(['squeue', '-h', '-r', '--states=all', `--jobs=${ids.join(',')}`, '-o', '%i|%T'], { timeoutMs: COMMAND_TIMEOUT_MS });
    // All ids unknown (aged out of the controller's memory) is rc 1 "Invalid job id specified".
    if (q.exitCode !== 0 && !/Invalid job id/i.test(q.stderr)) {
      throw new BackendError(`squeue failed on ${this.transport.describe}: ${q.stderr.trim()} — fix: check that the scheduler responds (sinfo)`);
    }
    return parseStateLines(q.exitCode === 0 ? q.stdout : '');
  }

  /** sacct for tasks that left the queue; empty when the cluster keeps no accounting. */
  async accountingStates(arrayJobIds: readonly string[]): Promise<Map<string, JobState>> {
    if (arrayJobIds.length === 0 || !(await this.hasAccounting())) return new Map();
    this.calls.sacct++;
    const a = await this.transport.exec(['sacct', '-n', '-X', '-P', `--jobs=${[...new Set(arrayJobIds)].join(',')}`, '-o', 'JobID,State'], { timeoutMs: COMMAND_TIMEOUT_MS });
    if (a.exitCode !== 0) {
      if (/accounting storage is disabled/i.test(a.stderr) && this.options.accounting === 'auto') {
        this.accountingWorks = false;
        return new Map();
      }
      throw new BackendError(`sacct failed on ${this.transport.describe}: ${a.stderr.trim()} — fix: set slurm.accounting: off in the site profile if the cluster keeps no accounting`);
    }
    return parseStateLines(a.stdout);
  }

  async cancel(taskIds: readonly string[]): Promise<void> {
    for (let i = 0; i < taskIds.length; i += 500) {
      this.calls.scancel++;
      const r = await this.transport.exec(['scancel', ...taskIds.slice(i, i + 500)], { timeoutMs: COMMAND_TIMEOUT_MS });
      if (r.exitCode !== 0) throw new BackendError(`scancel failed on ${this.transport.describe}: ${r.stderr.trim()} — fix: cancel by hand with scancel, or retry`);
    }
  }

  private async hasAccounting(): Promise<boolean> {
    if (this.accountingWorks === undefined) {
      this.calls.sacct++;
      const r = await this.transport.exec(['sacct', '-n', '-X', '-P', '--jobs=1', '-o', 'JobID'], { timeoutMs: COMMAND_TIMEOUT_MS });
      this.accountingWorks = r.exitCode === 0;
    }
    return this.accountingWorks;
  }

  private async respectSubmitRate(): Promise<void> {
    const gap = 60_000 / this.options.submitsPerMinute;
    const wait = this.lastSubmit + gap - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastSubmit = Date.now();
  }
}

function oneLine(text: string): string {
  return text.trim().split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
