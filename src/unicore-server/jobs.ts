import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Account } from './auth.js';
import type { ServerKnobs } from './faults.js';
import { unicoreDate } from './http-util.js';
import { parseDescription, type ParsedDescription } from './job-description.js';
import type { Storage } from './storage.js';

/** The REST-visible job states, in pyunicore's ordinal order. */
export const JOB_STATES = ['UNDEFINED', 'READY', 'STAGINGIN', 'QUEUED', 'RUNNING', 'STAGINGOUT', 'SUCCESSFUL', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  owner: Account;
  submitted: unknown;
  desc: ParsedDescription;
  tags: string[];
  acl: string[];
  status: JobStatus;
  statusMessage: string;
  exitCode?: number;
  batchSystemID: string;
  submissionTime: number;
  terminationTime: number;
  log: string[];
  storage: Storage;
  times: { stageIn?: [number, number]; queued?: [number, number]; main?: [number, number] };
  /** Bumped by every (re)start and by abort, so callbacks of an older run do nothing. */
  generation: number;
  process?: ChildProcess;
  /** Holds one of the `maxRunning` slots (from dispatch until its process ends or it is stopped). */
  slot: boolean;
  timers: NodeJS.Timeout[];
}

/** Resolves an import's source URL to a local file of this server, or null when it is not one of ours. */
export type ImportResolver = (url: string, owner: Account) => Promise<string | null>;

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Keeps jobs, moves them through UNICORE's states and runs them as real local processes. */
export class JobManager {
  readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running = 0;
  private nextBatchId = 1000;

  constructor(
    private readonly root: string,
    private readonly knobs: ServerKnobs,
    private readonly resolveImport: ImportResolver,
  ) {}

  /** Creates the job and its working directory; starts it unless the client stages in first. */
  async create(owner: Account, raw: unknown): Promise<Job> {
    const desc = parseDescription(raw);
    const id = randomUUID();
    const workDir = join(this.root, 'jobs', id);
    await mkdir(workDir, { recursive: true, mode: 0o700 });
    const now = Date.now();
    const job: Job = {
      id, owner, submitted: raw, desc, tags: [...desc.tags], acl: [],
      status: 'READY', statusMessage: '', batchSystemID: 'N/A',
      submissionTime: now, terminationTime: now + 30 * 86_400_000, log: [],
      storage: { id: `${id}-uspace`, root: workDir, owner: owner.user, jobId: id, metadata: new Map() },
      times: {}, generation: 0, slot: false, timers: [],
    };
    this.note(job, `Created with ID ${id}`);
    this.jobs.set(id, job);
    if (!desc.haveClientStageIn) this.start(job);
    else this.note(job, 'Waiting for client stage-in and start');
    return job;
  }

  /** `start` on a READY job; a no-op for jobs that already started. */
  start(job: Job): void {
    if (job.status !== 'READY') return;
    this.launch(job);
  }

  restart(job: Job): void {
    this.stop(job);
    job.exitCode = undefined;
    job.statusMessage = '';
    job.times = {};
    this.note(job, 'Restarted by user');
    this.launch(job);
  }

  abort(job: Job): void {
    if (job.status === 'SUCCESSFUL' || job.status === 'FAILED') return;
    this.stop(job);
    this.finish(job, 'FAILED', 'Job aborted.');
  }

  async delete(job: Job): Promise<void> {
    this.stop(job);
    this.jobs.delete(job.id);
    await rm(job.storage.root, { recursive: true, force: true });
  }

  /** Kills every job process (server shutdown). */
  shutdown(): void {
    for (const job of this.jobs.values()) this.stop(job);
  }

  properties(job: Job, base: string): Record<string, unknown> {
    const secs = (span?: [number, number]) => (span ? String(Math.round((span[1] - span[0]) / 1000)) : 'N/A');
    const end = job.times.main?.[1] ?? Date.now();
    const props: Record<string, unknown> = {
      status: job.status,
      statusMessage: job.statusMessage,
      name: job.desc.name,
      jobType: job.desc.jobType,
      queue: typeof job.desc.resources.Queue === 'string' ? job.desc.resources.Queue : 'N/A',
      batchSystemID: job.batchSystemID,
      submissionTime: unicoreDate(job.submissionTime),
      terminationTime: unicoreDate(job.terminationTime),
      owner: job.owner.dn,
      acl: job.acl,
      tags: job.tags,
      submissionPreferences: {},
      log: job.log,
      consumedTime: {
        total: String(Math.round((end - job.submissionTime) / 1000)),
        'stage-in': secs(job.times.stageIn), preCommand: 'N/A', queued: secs(job.times.queued),
        main: secs(job.times.main), postCommand: 'N/A', 'stage-out': 'N/A',
      },
      _links: {
        self: { href: `${base}/jobs/${job.id}` },
        workingDirectory: { href: `${base}/storages/${job.id}-uspace`, description: 'Working directory' },
        'action:start': { href: `${base}/jobs/${job.id}/actions/start`, description: 'Start' },
        'action:abort': { href: `${base}/jobs/${job.id}/actions/abort`, description: 'Abort' },
        'action:restart': { href: `${base}/jobs/${job.id}/actions/restart`, description: 'Restart' },
        details: { href: `${base}/jobs/${job.id}/details`, description: 'BSS details' },
        submitted: { href: `${base}/jobs/${job.id}/submitted`, description: 'Submitted job description' },
        parentTSS: { href: `${base}/sites/default_target_system`, description: 'Parent TSS' },
      },
    };
    if (job.exitCode !== undefined) props.exitCode = String(job.exitCode);
    return props;
  }

  private note(job: Job, message: string): void {
    job.log.push(`${unicoreDate(Date.now())}: ${message}`);
  }

  private stop(job: Job): void {
    job.generation += 1;
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    const idx = this.waiting.indexOf(job);
    if (idx >= 0) this.waiting.splice(idx, 1);
    if (job.process) {
      killGroup(job.process);
      job.process = undefined;
    }
    this.release(job);
  }

  private release(job: Job): void {
    if (!job.slot) return;
    job.slot = false;
    this.running -= 1;
    setImmediate(() => this.pump());
  }

  private finish(job: Job, status: 'SUCCESSFUL' | 'FAILED', message: string): void {
    job.status = status;
    job.statusMessage = message;
    this.note(job, `${status}${message ? `: ${message}` : ''}`);
  }

  private launch(job: Job): void {
    const gen = job.generation;
    job.status = 'STAGINGIN';
    const t0 = Date.now();
    this.stageIn(job).then(
      () => {
        if (gen !== job.generation) return;
        job.times.stageIn = [t0, Date.now()];
        this.enqueue(job);
      },
      (err: Error) => {
        if (gen !== job.generation) return;
        this.finish(job, 'FAILED', `Stage-in failed: ${err.message}`);
      },
    );
  }

  private async stageIn(job: Job): Promise<void> {
    for (const imp of job.desc.imports) {
      const target = join(job.storage.root, imp.to);
      await mkdir(dirname(target), { recursive: true });
      const exists = await stat(target).then(() => true, () => false);
      if (exists && imp.mode === 'nooverwrite') continue;
      try {
        if (imp.data !== undefined) {
          await (imp.mode === 'append' ? appendFile(target, imp.data) : writeFile(target, imp.data));
        } else {
          const source = await this.resolveImport(imp.from!, job.owner);
          if (!source) throw new Error(`cannot fetch "${imp.from}": the test server imports only from its own storages`);
          await copyFile(source, target);
        }
        this.note(job, `Imported ${imp.to}`);
      } catch (err) {
        if (imp.failOnError) throw err;
        this.note(job, `Import of ${imp.to} failed (ignored): ${(err as Error).message}`);
      }
    }
  }

  private enqueue(job: Job): void {
    const gen = job.generation;
    job.status = 'QUEUED';
    job.batchSystemID = String(this.nextBatchId++);
    const queuedAt = Date.now();
    const delay = job.desc.jobType === 'ON_LOGIN_NODE' ? 0 : this.knobs.queueDelayMs;
    job.timers.push(setTimeout(() => {
      if (gen !== job.generation) return;
      job.times.queued = [queuedAt, Date.now()];
      this.waiting.push(job);
      this.pump();
    }, delay));
  }

  private pump(): void {
    while (this.running < this.knobs.maxRunning && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      job.slot = true;
      this.running += 1;
      this.run(job).catch((err: Error) => {
        this.release(job);
        this.finish(job, 'FAILED', `Could not launch: ${err.message}`);
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const gen = job.generation;
    const d = job.desc;
    const script = [
      '#!/bin/bash',
      `umask ${d.umask ?? '077'}`,
      d.preCommand ?? '',
      // Executable and Arguments go into the script verbatim, as UNICORE's TSI does: they are shell
      // words, so clients must quote them themselves.
      // The brace group sends the output of a compound command line to the files as a whole.
      `{ ${d.executable} ${d.arguments.join(' ')}`,
      `} > ${shq(d.stdout)} 2> ${shq(d.stderr)}`,
      'ec=$?',
      d.postCommand ?? '',
      'exit $ec',
      '',
    ].join('\n');
    const scriptPath = join(this.root, 'scripts', `${job.id}.sh`);
    await mkdir(dirname(scriptPath), { recursive: true, mode: 0o700 });
    await writeFile(scriptPath, script, { mode: 0o700 });
    if (gen !== job.generation) return;
    // Only a login-like environment: the server's own variables (which may hold test credentials)
    // must not leak into jobs.
    const env: Record<string, string> = { ...d.environment };
    for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER']) {
      if (env[k] === undefined && process.env[k] !== undefined) env[k] = process.env[k]!;
    }
    const child = spawn('/bin/bash', [scriptPath], { cwd: job.storage.root, env, detached: true, stdio: 'ignore' });
    job.process = child;
    job.status = 'RUNNING';
    const startedAt = Date.now();
    this.note(job, `Running as batch job ${job.batchSystemID}`);
    let failure: string | null = null;
    if (this.knobs.failNextJobs > 0) {
      this.knobs.failNextJobs -= 1;
      failure = 'Batch system reports a node failure (injected by the test server)';
      job.timers.push(setTimeout(() => killGroup(child), 50));
    }
    if (d.runtimeSeconds !== undefined) {
      job.timers.push(setTimeout(() => {
        failure = `Job exceeded its runtime limit of ${d.runtimeSeconds} s and was killed`;
        killGroup(child);
      }, d.runtimeSeconds * 1000));
    }
    let settled = false; // 'error' and 'exit' may both fire
    const done = (code: number | null) => {
      if (settled || gen !== job.generation) return;
      settled = true;
      job.process = undefined;
      this.release(job);
      job.times.main = [startedAt, Date.now()];
      job.status = 'STAGINGOUT';
      if (failure) this.finish(job, 'FAILED', failure);
      else {
        job.exitCode = code ?? 137;
        if (job.exitCode === 0 || d.ignoreNonZeroExitCode) this.finish(job, 'SUCCESSFUL', '');
        else this.finish(job, 'FAILED', `User application exited with non-zero exit code: ${job.exitCode}. ` +
          `Check the job's ${d.stderr} file.`);
      }
    };
    child.on('error', (err) => {
      failure = `Could not start the job process: ${err.message}`;
      done(null);
    });
    child.on('exit', (code) => done(code));
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
