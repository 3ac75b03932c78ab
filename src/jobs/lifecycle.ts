import { existsSync } from 'node:fs';
import type { Backend, BackendHints, ChunkAttempt, JobState } from './backend.js';
import { Backoff } from './watch.js';
import { RunDir } from '../store/run-dir.js';
import { readPlan } from '../store/plan-file.js';
import { appendManifest, foldManifest, readManifest, type ManifestRecord } from '../store/manifest.js';
import { checkChunk, quarantineChunk } from '../store/done-marker.js';
import { cancelRequestPath } from '../store/run-status.js';
import { removeStaleChunkTemps } from '../store/stale-temps.js';

/**
 * plan → submit → watch → retry failed, written once for every backend. The done-markers decide
 * completion; backend states only explain why a chunk is not done. Everything the lifecycle knows is
 * re-derived from the run directory at start, so a new orchestrator re-attaches to a run whose previous
 * orchestrator was killed at any point: finished chunks are kept, jobs still running are watched (not
 * resubmitted), and attempts that vanished are retried.
 *
 * Cancelling: `hpcinv cancel` writes the CANCEL file and then cancels the jobs, so by the time a backend
 * reports a job `cancelled` the request is already visible. The request is checked at the top of each
 * round, after each poll (before classifying states) and right before every (re)submission, so once it
 * exists nothing is submitted again and the run ends `cancelled`, whatever order the backend reports
 * things in. A job cancelled WITHOUT a request (an admin's `scancel`, a UNICORE abort from the web UI, a
 * `kill` of a local task) is treated like any other failed attempt: retried within the attempt cap —
 * the user asked for the sweep to finish, and only `hpcinv cancel` says otherwise.
 */
export interface SweepOptions {
  backend: Backend & BackendHints;
  /**
   * Attempt cap per chunk. `total` (submit): at most this many attempts over the run's whole history.
   * `additional` (retry): this many more attempts beyond those already made.
   */
  maxAttempts: number;
  budget?: 'total' | 'additional';
  /** Only these chunks (default: all in the plan). */
  only?: number[];
  initialPollMs?: number;
  onProgress?: (p: SweepProgress) => void;
  onEvent?: (message: string) => void;
  signal?: AbortSignal;
}

export interface SweepProgress {
  chunksTotal: number;
  chunksDone: number;
  chunksFailed: number;
  chunksRunning: number;
  samplesTotal: number;
  samplesDone: number;
  /** Samples done by this orchestrator (not found done at start) — the basis of simulations per second. */
  samplesDoneHere: number;
  elapsedSeconds: number;
}

export interface SweepResult {
  done: number[];
  failed: { chunk: number; attempts: number; reason: string }[];
  cancelled: boolean;
  /** The orchestrator was interrupted (signal): jobs keep running and a later submit re-attaches to them. */
  detached: boolean;
  wallSeconds: number;
  progress: SweepProgress;
}

interface InFlight {
  chunk: number;
  attempt: number;
  jobId: string;
  /** When the job was first seen in a terminal state or unknown, for the grace periods. */
  terminalSince?: number;
  unknownSince?: number;
}

/** Consecutive failed poll rounds (with the backoff between them) before the sweep gives up. */
const MAX_POLL_FAILURES = 8;

const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled', 'timeout', 'preempted']);

export async function runSweep(runRoot: string, opts: SweepOptions): Promise<SweepResult> {
  const run = new RunDir(runRoot);
  const t0 = Date.now();
  const { backend } = opts;
  const log = opts.onEvent ?? (() => {});
  const plan = readPlan(run);
  const wanted = new Set(opts.only ?? plan.chunks.map((c) => c.id));
  const chunks = plan.chunks.filter((c) => wanted.has(c.id));
  const rows = new Map(plan.chunks.map((c) => [c.id, c.end - c.start]));
  const lostGraceMs = backend.lostGraceMs ?? 600_000;
  const completionGraceMs = backend.completionGraceMs ?? 60_000;
  const backoff = new Backoff(opts.initialPollMs ?? 250, backend.maxPollIntervalMs ?? 30_000);

  const history = foldManifest(readManifest(run));
  const attemptsMade = new Map<number, number>();
  const cap = new Map<number, number>();
  const done = new Set<number>();
  const failed = new Map<number, string>();
  const inFlight = new Map<number, InFlight>();
  const queue: number[] = [];
  const closing: ManifestRecord[] = [];
  const now = (): string => new Date().toISOString();
  let samplesDoneHere = 0;

  for (const c of chunks) {
    const list = history.get(c.id) ?? [];
    const made = list.reduce((m, a) => Math.max(m, a.attempt), 0);
    attemptsMade.set(c.id, made);
    cap.set(c.id, opts.budget === 'additional' ? made + opts.maxAttempts : opts.maxAttempts);
    const check = checkChunk(run, c.id, c.end - c.start);
    const last = list[list.length - 1];
    if (check.ok) {
      done.add(c.id);
      if (last && last.state !== 'done') closing.push({ chunk: c.id, attempt: last.attempt, backend: last.backend, state: 'done', time: now() });
      continue;
    }
    if (last?.state === 'submitted' && last.jobId && last.backend === backend.name) {
      // A job of a previous orchestrator: watch it rather than run the chunk twice.
      inFlight.set(c.id, { chunk: c.id, attempt: last.attempt, jobId: last.jobId });
      continue;
    }
    if (last && (last.state === 'submitting' || last.state === 'submitted')) {
      const reason = last.state === 'submitting' ? 'orchestrator stopped before the backend answered' : `job of backend ${last.backend} not watched by ${backend.name}`;
      closing.push({ chunk: c.id, attempt: last.attempt, backend: last.backend, state: 'lost', time: now(), jobId: last.jobId, reason });
    }
    if (check.reason !== 'missing') {
      log(`chunk ${c.id}: ${check.detail} — redoing it`);
      quarantineChunk(run, c.id);
    }
    queue.push(c.id);
  }
  appendManifest(run, closing);
  const cancelRequested = (): boolean => existsSync(cancelRequestPath(run));
  const cleanTemps = (idle: (chunk: number) => boolean): void => {
    const removed = removeStaleChunkTemps(run, idle);
    if (removed.length) log(`removed ${removed.length} temp file(s) left by killed tasks in chunks/`);
  };
  // No task of this run writes a chunk that has no attempt in flight: its leftover temp files are stale.
  cleanTemps((id) => !inFlight.has(id));

  const progress = (): SweepProgress => {
    let samplesDone = 0;
    for (const id of done) samplesDone += rows.get(id)!;
    return {
      chunksTotal: chunks.length,
      chunksDone: done.size,
      chunksFailed: failed.size,
      chunksRunning: inFlight.size,
      samplesTotal: chunks.reduce((s, c) => s + c.end - c.start, 0),
      samplesDone,
      samplesDoneHere,
      elapsedSeconds: (Date.now() - t0) / 1000,
    };
  };

  let cancelled = false;
  const submitQueued = async (): Promise<void> => {
    // The last moment a cancel request can stop a submission (a request arriving during backend.submit
    // is seen at the next round, which cancels what was just submitted).
    if (cancelRequested()) {
      cancelled = true;
      return;
    }
    const attempts: ChunkAttempt[] = [];
    for (const id of queue.splice(0)) {
      const next = attemptsMade.get(id)! + 1;
      if (next > cap.get(id)!) {
        failed.set(id, failed.get(id) ?? `gave up after ${attemptsMade.get(id)} attempts`);
        continue;
      }
      failed.delete(id);
      attemptsMade.set(id, next);
      attempts.push({ chunk: id, attempt: next });
    }
    if (attempts.length === 0) return;
    appendManifest(run, attempts.map((a) => ({ ...a, backend: backend.name, state: 'submitting' as const, time: now() })));
    const tasks = await backend.submit(run.root, attempts);
    const records: ManifestRecord[] = [];
    for (const t of tasks) {
      for (const a of t.attempts) {
        inFlight.set(a.chunk, { chunk: a.chunk, attempt: a.attempt, jobId: t.jobId });
        records.push({ ...a, backend: backend.name, state: 'submitted', time: now(), jobId: t.jobId, log: t.log });
      }
    }
    appendManifest(run, records);
    log(`submitted ${attempts.length} chunk attempt(s) in ${tasks.length} job(s) to ${backend.name}`);
  };

  const retryOrFail = (f: InFlight, reason: string, records: ManifestRecord[], state: 'failed' | 'lost'): void => {
    records.push({ chunk: f.chunk, attempt: f.attempt, backend: backend.name, state, time: now(), jobId: f.jobId, reason });
    inFlight.delete(f.chunk);
    failed.set(f.chunk, reason);
    log(`chunk ${f.chunk} attempt ${f.attempt} ${state}: ${reason}`);
    queue.push(f.chunk);
  };

  let pollFailures = 0;
  await backend.stageIn(run.root);
  await submitQueued();
  opts.onProgress?.(progress());

  while (!cancelled && (inFlight.size > 0 || queue.length > 0)) {
    if (opts.signal?.aborted) break;
    if (cancelRequested()) {
      cancelled = true;
      break;
    }
    await backoff.wait(opts.signal);
    if (opts.signal?.aborted) continue;
    const ids = [...new Set([...inFlight.values()].map((f) => f.jobId))];
    let states: Map<string, JobState>;
    try {
      states = ids.length ? await backend.poll(run.root, ids) : new Map<string, JobState>();
      const finishedJobs = [...inFlight.values()].filter((f) => TERMINAL.has(states.get(f.jobId) ?? 'unknown')).map((f) => f.chunk);
      if (finishedJobs.length) await backend.stageOut(run.root, finishedJobs);
      pollFailures = 0;
    } catch (err) {
      // A scheduler or network hiccup must not end a sweep of many hours: try again at the next round,
      // give up only when the backend keeps failing.
      if (++pollFailures >= MAX_POLL_FAILURES) throw err;
      log(`polling ${backend.name} failed (${(err as Error).message}); retrying (${pollFailures}/${MAX_POLL_FAILURES})`);
      continue;
    }
    const records: ManifestRecord[] = [];
    const closed = new Set<number>();
    const t = Date.now();
    let changed = false;
    // Read after the poll: a job the poll saw cancelled by `hpcinv cancel` has its request visible now.
    const cancelling = cancelRequested();
    for (const f of [...inFlight.values()]) {
      const state = states.get(f.jobId) ?? 'unknown';
      const expected = rows.get(f.chunk)!;
      const check = checkChunk(run, f.chunk, expected);
      if (check.ok) {
        records.push({ chunk: f.chunk, attempt: f.attempt, backend: backend.name, state: 'done', time: now(), jobId: f.jobId });
        inFlight.delete(f.chunk);
        failed.delete(f.chunk);
        done.add(f.chunk);
        samplesDoneHere += expected;
        changed = true;
        continue;
      }
      if (TERMINAL.has(state)) {
        f.terminalSince ??= t;
        // A 'completed' job may still be flushing its files to a shared file system: wait a grace period.
        if (state === 'completed' && t - f.terminalSince < completionGraceMs) continue;
        if (check.reason !== 'missing') quarantineChunk(run, f.chunk);
        closed.add(f.chunk);
        changed = true;
        if (state === 'cancelled' && cancelling) {
          records.push({ chunk: f.chunk, attempt: f.attempt, backend: backend.name, state: 'cancelled', time: now(), jobId: f.jobId, reason: 'hpcinv cancel' });
          inFlight.delete(f.chunk);
          continue;
        }
        retryOrFail(f, state === 'completed' ? `job completed without valid output (${check.detail})` : `job ${state}${check.reason !== 'missing' ? `; ${check.detail}` : ''}`, records, 'failed');
      } else if (state === 'unknown') {
        f.unknownSince ??= t;
        if (t - f.unknownSince >= lostGraceMs) {
          if (check.reason !== 'missing') quarantineChunk(run, f.chunk);
          retryOrFail(f, `job ${f.jobId} is unknown to ${backend.name} and left no output`, records, 'lost');
          closed.add(f.chunk);
          changed = true;
        }
      } else {
        f.unknownSince = undefined;
      }
    }
    appendManifest(run, records);
    if (closed.size) cleanTemps((id) => closed.has(id));
    if (cancelling) {
      cancelled = true;
      break;
    }
    if (queue.length) await submitQueued();
    if (changed) backoff.reset();
    opts.onProgress?.(progress());
  }

  // Every chunk ran out of attempts while a cancel request stood (its jobs were cancelled before this
  // orchestrator saw the request): the run was cancelled, not failed.
  if (!cancelled && !opts.signal?.aborted && done.size < chunks.length && cancelRequested()) cancelled = true;
  if (cancelled) {
    const jobs = [...new Set([...inFlight.values()].map((f) => f.jobId))];
    if (jobs.length) await backend.cancel(run.root, jobs);
    appendManifest(run, [...inFlight.values()].map((f) => ({ chunk: f.chunk, attempt: f.attempt, backend: backend.name, state: 'cancelled' as const, time: now(), jobId: f.jobId })));
    log(`cancelled ${jobs.length} job(s)`);
  }
  const p = progress();
  opts.onProgress?.(p);
  return {
    done: [...done].sort((a, b) => a - b),
    failed: [...failed].filter(([id]) => !done.has(id)).map(([chunk, reason]) => ({ chunk, attempts: attemptsMade.get(chunk)!, reason })),
    cancelled,
    detached: !cancelled && (opts.signal?.aborted ?? false) && inFlight.size > 0,
    wallSeconds: (Date.now() - t0) / 1000,
    progress: p,
  };
}
