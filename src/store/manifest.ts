import { existsSync, readFileSync } from 'node:fs';
import { appendLine } from './atomic.js';
import type { RunDir } from './run-dir.js';

/**
 * manifest.jsonl: the append-only history of attempts, written only by the orchestrator.
 *
 *  - `submitting` is written BEFORE the backend is asked, so the attempt number is consumed even if the
 *    orchestrator dies before it learns the job id (a re-attaching orchestrator then never reuses it);
 *  - `submitted` carries the backend job id and log;
 *  - `done`, `failed`, `lost`, `cancelled` close an attempt.
 * Files decide completion; the manifest explains history and lets a new orchestrator find running jobs.
 */
export type AttemptState = 'submitting' | 'submitted' | 'done' | 'failed' | 'lost' | 'cancelled';

export interface ManifestRecord {
  chunk: number;
  attempt: number;
  backend: string;
  state: AttemptState;
  time: string;
  jobId?: string;
  log?: string;
  reason?: string;
}

export function appendManifest(run: RunDir, records: ManifestRecord[]): void {
  if (records.length === 0) return;
  // One write for the whole batch keeps 1000-chunk submissions cheap; each line is a whole record.
  appendLine(run.manifest, records.map((r) => JSON.stringify(r)).join('\n'));
}

/** All whole records; a truncated last line (writer killed mid-write) is skipped. */
export function readManifest(run: RunDir): ManifestRecord[] {
  if (!existsSync(run.manifest)) return [];
  const out: ManifestRecord[] = [];
  for (const line of readFileSync(run.manifest, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ManifestRecord;
      if (typeof r.chunk === 'number' && typeof r.attempt === 'number' && typeof r.state === 'string') out.push(r);
    } catch {
      /* truncated line of a killed writer */
    }
  }
  return out;
}

/** The latest view of one attempt, folded from its records. */
export interface AttemptView {
  chunk: number;
  attempt: number;
  backend: string;
  state: AttemptState;
  jobId?: string;
  log?: string;
  reason?: string;
  submitted?: string;
  ended?: string;
}

/** Per chunk, its attempts in order (folded). */
export function foldManifest(records: ManifestRecord[]): Map<number, AttemptView[]> {
  const byKey = new Map<string, AttemptView>();
  for (const r of records) {
    const key = `${r.chunk}:${r.attempt}`;
    const v = byKey.get(key) ?? { chunk: r.chunk, attempt: r.attempt, backend: r.backend, state: r.state };
    v.state = r.state;
    v.backend = r.backend;
    if (r.jobId) v.jobId = r.jobId;
    if (r.log) v.log = r.log;
    if (r.reason) v.reason = r.reason;
    if (r.state === 'submitted') v.submitted = r.time;
    if (r.state !== 'submitting' && r.state !== 'submitted') v.ended = r.time;
    byKey.set(key, v);
  }
  const out = new Map<number, AttemptView[]>();
  for (const v of byKey.values()) {
    const list = out.get(v.chunk) ?? [];
    list.push(v);
    out.set(v.chunk, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.attempt - b.attempt);
  return out;
}
