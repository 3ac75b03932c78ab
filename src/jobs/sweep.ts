import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { createBackend } from './backends.js';
import { runSweep, type SweepResult } from './lifecycle.js';
import { ensurePlan } from './make-plan.js';
import { RunDir } from '../store/run-dir.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import type { Experiment } from '../experiment/schema.js';
import { foldManifest, readManifest, appendManifest } from '../store/manifest.js';
import { checkChunk } from '../store/done-marker.js';
import { readPlan } from '../store/plan-file.js';
import { cancelRequestPath } from '../store/run-status.js';
import { writeFileAtomic } from '../store/atomic.js';
import { acquireRunLock } from '../store/run-lock.js';
import { createReporter } from '../progress/reporter.js';
import { InputError } from '../errors.js';

/** The sweep commands (`submit`, `retry`, `cancel`, `logs`) as functions: the CLI only parses and prints. */
export interface SubmitOptions {
  backend?: string;
  concurrency?: number;
  chunkSize?: number;
  maxAttempts?: number;
  dryRun?: boolean;
  /** No progress output (for --json). */
  quiet?: boolean;
  signal?: AbortSignal;
}

export interface SubmitOutcome {
  run: string;
  backend: string;
  chunks: number;
  done: number;
  failed: SweepResult['failed'];
  cancelled: boolean;
  detached: boolean;
  wallSeconds: number;
  simulationsPerSecond: number;
  summary: string;
  dryRun?: string;
  exitCode: number;
}

export async function submitRun(runRoot: string, opts: SubmitOptions = {}): Promise<SubmitOutcome> {
  return sweepRun(runRoot, opts, 'total');
}

/** Only chunks not done; `maxAttempts` more attempts each (default 2). */
export async function retryRun(runRoot: string, opts: SubmitOptions = {}): Promise<SubmitOutcome> {
  return sweepRun(runRoot, { ...opts, maxAttempts: opts.maxAttempts ?? 2 }, 'additional');
}

async function sweepRun(runRoot: string, opts: SubmitOptions, budget: 'total' | 'additional'): Promise<SubmitOutcome> {
  const run = openRun(runRoot);
  const exp = loadFrozenExperiment(run);
  const backendName = opts.backend ?? (budget === 'additional' ? lastBackend(run) : undefined) ?? exp.backend.name;
  const concurrency = opts.concurrency ?? exp.backend.concurrency;
  // Taken before planning: two orchestrators must not plan (or submit) the same run.
  const release = opts.dryRun ? () => {} : acquireRunLock(run);
  try {
    return await sweepLocked(run, exp, backendName, concurrency, opts, budget);
  } finally {
    release();
  }
}

async function sweepLocked(
  run: RunDir,
  exp: Experiment,
  backendName: string,
  concurrency: number | undefined,
  opts: SubmitOptions,
  budget: 'total' | 'additional',
): Promise<SubmitOutcome> {
  const plan = await ensurePlan(run, exp, { chunkSize: opts.chunkSize, workers: concurrency ?? availableParallelism(), dryRun: opts.dryRun });
  const backend = await createBackend(backendName, { runDir: run.root, settings: exp.backend, concurrency });
  const maxAttempts = opts.maxAttempts ?? exp.sweep.maxAttempts;
  try {
    if (opts.dryRun) {
      const pending = plan.chunks.filter((c) => !checkChunk(run, c.id, c.end - c.start).ok).map((c) => ({ chunk: c.id, attempt: 1 }));
      const head = `# plan: ${plan.chunks.length} chunks of ${plan.chunkSize} simulations (${plan.sizing.source}${plan.sizing.secondsPerSimulation ? `, ${plan.sizing.secondsPerSimulation.toFixed(3)} s/simulation` : ''}), ${pending.length} not done\n`;
      const body = backend.describe ? await backend.describe(run.root, pending) : `# backend ${backend.name} cannot describe its submission\n`;
      return outcome(run, backendName, plan.chunks.length, undefined, head + body);
    }
    if (existsSync(cancelRequestPath(run))) rmSync(cancelRequestPath(run));
    // A retry reruns only the chunks without valid output.
    const only = budget === 'additional' ? plan.chunks.filter((c) => !checkChunk(run, c.id, c.end - c.start).ok).map((c) => c.id) : undefined;
    if (only?.length === 0) {
      return { ...outcome(run, backendName, plan.chunks.length), summary: `all ${plan.chunks.length} chunks are already done — nothing to retry; next: hpcinv gather ${run.root}` };
    }
    const reporter = opts.quiet ? undefined : createReporter();
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    opts.signal?.addEventListener('abort', onSignal, { once: true });
    let result: SweepResult;
    try {
      result = await runSweep(run.root, {
        backend,
        maxAttempts,
        budget,
        only,
        onProgress: (p) => reporter?.update(p),
        onEvent: (m) => reporter?.note(m),
        signal: ac.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      reporter?.stop();
    }
    return outcome(run, backendName, plan.chunks.length, result, undefined, only?.length);
  } finally {
    await backend.close();
  }
}

/** `retried`: how many chunks a retry reran (the others had valid output before it started). */
function outcome(run: RunDir, backend: string, chunks: number, r?: SweepResult, dryRun?: string, retried?: number): SubmitOutcome {
  const done = r?.done.length ?? 0;
  const failed = r?.failed ?? [];
  const sps = r && r.progress.elapsedSeconds > 0 ? r.progress.samplesDoneHere / r.progress.elapsedSeconds : 0;
  const counts = retried === undefined ? `${done}/${chunks} chunks done` : `${done}/${retried} retried chunks done (${chunks - retried + done}/${chunks} in all)`;
  let summary = `${counts} on ${backend} in ${(r?.wallSeconds ?? 0).toFixed(1)} s (${sps.toFixed(2)} simulations/s)`;
  let exitCode = 0;
  if (r?.cancelled) {
    summary += ' — cancelled; resume with `hpcinv submit`';
    exitCode = 1;
  } else if (r?.detached) {
    summary += ` — interrupted; resume with \`hpcinv submit ${run.root}\` (local tasks were stopped; cluster jobs keep running and are re-attached)`;
    exitCode = 130;
  } else if (failed.length) {
    summary += `\n${failed.length} chunk(s) failed: ${failed.slice(0, 5).map((f) => `${f.chunk} (${f.reason})`).join('; ')} — fix: read \`hpcinv logs ${run.root} ${failed[0].chunk}\`, then \`hpcinv retry ${run.root}\``;
    exitCode = 1;
  } else if (r) {
    summary += ` — next: hpcinv gather ${run.root}`;
  }
  return { run: run.root, backend, chunks, done, failed, cancelled: r?.cancelled ?? false, detached: r?.detached ?? false, wallSeconds: r?.wallSeconds ?? 0, simulationsPerSecond: sps, summary, dryRun, exitCode };
}

function openRun(runRoot: string): RunDir {
  const run = new RunDir(runRoot);
  if (!run.exists()) throw new InputError(`${run.root} is not a run directory (no experiment.yaml + theta.arrow) — fix: create it with \`hpcinv sample <experiment.yaml> ${runRoot}\``);
  return run;
}

function lastBackend(run: RunDir): string | undefined {
  const records = readManifest(run);
  return records.length ? records[records.length - 1].backend : undefined;
}

/** Ask a running orchestrator to stop (CANCEL file), and cancel the jobs the manifest shows in flight. */
export async function cancelRun(runRoot: string): Promise<{ jobs: string[] }> {
  const run = openRun(runRoot);
  writeFileAtomic(cancelRequestPath(run), `${new Date().toISOString()}\n`);
  const exp = loadFrozenExperiment(run);
  const plan = readPlan(run);
  const rows = new Map(plan.chunks.map((c) => [c.id, c.end - c.start]));
  const byBackend = new Map<string, { chunk: number; attempt: number; jobId: string }[]>();
  for (const [chunk, list] of foldManifest(readManifest(run))) {
    const last = list[list.length - 1];
    if (last.state !== 'submitted' || !last.jobId || checkChunk(run, chunk, rows.get(chunk) ?? -1).ok) continue;
    const l = byBackend.get(last.backend) ?? [];
    l.push({ chunk, attempt: last.attempt, jobId: last.jobId });
    byBackend.set(last.backend, l);
  }
  const jobs: string[] = [];
  for (const [name, list] of byBackend) {
    const backend = await createBackend(name, { runDir: run.root, settings: exp.backend });
    try {
      const ids = [...new Set(list.map((l) => l.jobId))];
      await backend.cancel(run.root, ids);
      jobs.push(...ids);
      appendManifest(run, list.map((l) => ({ ...l, backend: name, state: 'cancelled' as const, time: new Date().toISOString(), reason: 'hpcinv cancel' })));
    } finally {
      await backend.close();
    }
  }
  return { jobs };
}

/** The log of a chunk's last (or given) attempt. */
export function chunkLog(runRoot: string, chunk: number, attempt?: number): { path: string; text: string } {
  const run = openRun(runRoot);
  const list = foldManifest(readManifest(run)).get(chunk) ?? [];
  const a = attempt === undefined ? [...list].reverse().find((x) => x.log) : list.find((x) => x.attempt === attempt);
  if (!a?.log) {
    throw new InputError(`chunk ${chunk}${attempt ? ` attempt ${attempt}` : ''} has no recorded log — fix: check the chunk id with \`hpcinv status ${runRoot} --chunks\``);
  }
  const path = join(run.root, a.log);
  if (!existsSync(path)) return { path, text: `(log ${path} does not exist yet — the job may not have started or the backend has not staged it out)\n` };
  return { path, text: readFileSync(path, 'utf8') };
}
