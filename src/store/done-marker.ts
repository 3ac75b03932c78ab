import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, mkdirSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import type { RunDir } from './run-dir.js';

/**
 * The done-marker is written last, after the chunk's Arrow file is in place: a chunk is done when both
 * exist and agree (byte count, sha256, row count). Anything else — no marker, a marker whose checksum does
 * not match (truncated or corrupted file), a marker for another row count — means the chunk must be redone.
 */
export interface DoneMarker {
  chunk: number;
  attempt: number;
  jobId: string;
  host: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** Seconds of the task's own compute for this chunk (reading θ, simulating, features, writing). */
  computeSeconds: number;
  /** Samples whose simulation diverged (NaN features, status `diverged`). */
  diverged: number;
  version: string;
  finished: string;
}

const markerSchema = z.object({
  chunk: z.number().int(),
  attempt: z.number().int(),
  jobId: z.string(),
  host: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  computeSeconds: z.number(),
  diverged: z.number().int(),
  version: z.string(),
  finished: z.string(),
});

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Write the chunk file and then its marker, both atomically, in that order. */
export function writeChunkOutput(run: RunDir, chunk: number, arrowBytes: Uint8Array, marker: Omit<DoneMarker, 'bytes' | 'sha256'>): DoneMarker {
  writeFileAtomic(run.chunkFile(chunk), arrowBytes);
  const full: DoneMarker = { ...marker, bytes: arrowBytes.length, sha256: sha256(arrowBytes) };
  writeFileAtomic(run.doneMarker(chunk), JSON.stringify(full) + '\n');
  return full;
}

export type ChunkCheck =
  | { ok: true; marker: DoneMarker }
  | { ok: false; reason: 'missing' | 'no-marker' | 'bad-marker' | 'size' | 'checksum' | 'rows'; detail: string };

/** Verify one chunk's files against its marker. `expectedRows` comes from the plan. */
export function checkChunk(run: RunDir, chunk: number, expectedRows: number): ChunkCheck {
  const file = run.chunkFile(chunk);
  const markerPath = run.doneMarker(chunk);
  if (!existsSync(markerPath)) {
    return existsSync(file) ? { ok: false, reason: 'no-marker', detail: 'output without done-marker' } : { ok: false, reason: 'missing', detail: 'not written' };
  }
  let marker: DoneMarker;
  try {
    marker = markerSchema.parse(JSON.parse(readFileSync(markerPath, 'utf8')));
  } catch (err) {
    return { ok: false, reason: 'bad-marker', detail: `unreadable done-marker: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!existsSync(file)) return { ok: false, reason: 'missing', detail: 'done-marker without output file' };
  const bytes = readFileSync(file);
  if (bytes.length !== marker.bytes) return { ok: false, reason: 'size', detail: `${bytes.length} bytes, marker says ${marker.bytes}` };
  if (sha256(bytes) !== marker.sha256) return { ok: false, reason: 'checksum', detail: 'sha256 differs from the done-marker' };
  if (marker.rows !== expectedRows || marker.chunk !== chunk) {
    return { ok: false, reason: 'rows', detail: `marker has ${marker.rows} rows for chunk ${marker.chunk}, plan expects ${expectedRows} for chunk ${chunk}` };
  }
  return { ok: true, marker };
}

/**
 * Move a bad chunk's files aside (`chunks/invalid/`) so the redo starts clean and the evidence is kept.
 * The marker goes first: a crash in between leaves a file without marker, which is again "not done".
 */
export function quarantineChunk(run: RunDir, chunk: number): void {
  const dir = `${run.chunksDir}/invalid`;
  mkdirSync(dir, { recursive: true });
  const stamp = Date.now();
  for (const path of [run.doneMarker(chunk), run.chunkFile(chunk)]) {
    if (existsSync(path)) renameSync(path, `${dir}/${path.split('/').pop()}.${stamp}`);
  }
}
