import { existsSync } from 'node:fs';
import { checkChunk } from './done-marker.js';
import { foldManifest, readManifest, type AttemptView } from './manifest.js';
import { readPlan } from './plan-file.js';
import type { RunDir } from './run-dir.js';
import { InputError } from '../errors.js';
import type { JobState } from '../jobs/backend.js';

export type ChunkStatus = 'done' | 'running' | 'failed' | 'missing' | 'corrupt';

export interface ChunkReport {
  chunk: number;
  start: number;
  end: number;
  status: ChunkStatus;
  attempts: number;
  /** The last attempt, as the manifest records it. */
  last?: AttemptView;
  detail?: string;
  computeSeconds?: number;
  diverged?: number;
  /** `status --live` only: what the backend says about the in-flight job, and why the chunk is not done. */
  backendState?: JobState;
  why?: string;
}

export interface RunReport {
  run: string;
  nSamples: number;
  chunks: ChunkReport[];
  counts: Record<ChunkStatus, number>;
  samplesDone: number;
  diverged: number;
  gathered: boolean;
  cancelRequested: boolean;
}

/** What the files say about every chunk (done-markers decide; the manifest explains the rest). */
export function runReport(run: RunDir): RunReport {
  if (!run.exists()) throw new InputError(`${run.root} is not a run directory (no experiment.yaml + theta.arrow) — fix: check the path, or create the run with \`hpcinv sample <experiment.yaml> ${run.root}\``);
  const plan = readPlan(run);
  const attempts = foldManifest(readManifest(run));
  const counts: Record<ChunkStatus, number> = { done: 0, running: 0, failed: 0, missing: 0, corrupt: 0 };
  let samplesDone = 0;
  let diverged = 0;
  const chunks = plan.chunks.map((c): ChunkReport => {
    const list = attempts.get(c.id) ?? [];
    const last = list[list.length - 1];
    const check = checkChunk(run, c.id, c.end - c.start);
    let status: ChunkStatus;
    let detail: string | undefined;
    if (check.ok) {
      status = 'done';
      samplesDone += c.end - c.start;
      diverged += check.marker.diverged;
    } else if (last && (last.state === 'submitted' || last.state === 'submitting')) {
      status = 'running';
    } else if (check.reason !== 'missing') {
      status = 'corrupt';
      detail = check.detail;
    } else if (last && last.state !== 'done') {
      status = 'failed';
      detail = last.reason;
    } else {
      status = 'missing';
    }
    counts[status]++;
    return {
      chunk: c.id,
      start: c.start,
      end: c.end,
      status,
      attempts: list.length,
      last,
      detail,
      computeSeconds: check.ok ? check.marker.computeSeconds : undefined,
      diverged: check.ok ? check.marker.diverged : undefined,
    };
  });
  return {
    run: run.root,
    nSamples: plan.nSamples,
    chunks,
    counts,
    samplesDone,
    diverged,
    gathered: existsSync(run.dataset),
    cancelRequested: existsSync(cancelRequestPath(run)),
  };
}

/** A file asking a running orchestrator to stop (written by `hpcinv cancel`, removed by the next submit). */
export function cancelRequestPath(run: RunDir): string {
  return `${run.root}/CANCEL`;
}
