import { readFileSync } from 'node:fs';
import { decodeArrow, writeArrow, type Column, type ColumnTable } from './arrow.js';
import { checkChunk } from './done-marker.js';
import { readPlan } from './plan-file.js';
import type { RunDir } from './run-dir.js';
import { HpcinvError } from '../errors.js';

export interface GatherResult {
  rows: number;
  columns: string[];
  diverged: number;
  path: string;
}

/**
 * Merge every chunk into `dataset.arrow`, ordered by sample. Refuses (exit 1, nothing written) unless
 * every chunk is done and verified, and unless the samples are exactly 0..n-1 once each: a dataset never
 * silently misses or repeats a simulation.
 */
export function gather(run: RunDir): GatherResult {
  const plan = readPlan(run);
  const bad: string[] = [];
  for (const c of plan.chunks) {
    const check = checkChunk(run, c.id, c.end - c.start);
    if (!check.ok) bad.push(`${c.id} (${check.detail})`);
  }
  if (bad.length) {
    const shown = bad.slice(0, 10).join(', ') + (bad.length > 10 ? `, ... ${bad.length - 10} more` : '');
    throw new HpcinvError(`${bad.length} of ${plan.chunks.length} chunks are not done: ${shown} — fix: run \`hpcinv retry ${run.root}\` (or wait for the running submit), then gather again`, 1);
  }
  const parts: ColumnTable[] = plan.chunks.map((c) => decodeArrow(readFileSync(run.chunkFile(c.id)), run.chunkFile(c.id)));
  const names = parts[0].names;
  for (const [i, p] of parts.entries()) {
    if (p.names.join('\u0000') !== names.join('\u0000')) {
      throw new HpcinvError(`chunk ${plan.chunks[i].id} has columns ${p.names.join(',')}, chunk 0 has ${names.join(',')} — fix: the chunks come from different experiments; redo the odd chunk (delete its done-marker, \`hpcinv retry\`)`, 1);
    }
  }
  const columns: Column[] = names.map((_, j) => concat(parts.map((p) => p.columns[j])));
  const sample = columns[names.indexOf('sample')] as Int32Array;
  const seen = new Uint8Array(plan.nSamples);
  for (let i = 0; i < sample.length; i++) {
    const s = sample[i];
    if (s < 0 || s >= plan.nSamples || seen[s] || s !== i) {
      throw new HpcinvError(`sample ${s} is out of place at row ${i} of the gathered chunks — fix: redo the chunk holding row ${i} (delete its done-marker, \`hpcinv retry\`)`, 1);
    }
    seen[s] = 1;
  }
  if (sample.length !== plan.nSamples) throw new HpcinvError(`gathered ${sample.length} samples, the plan has ${plan.nSamples} — fix: \`hpcinv retry ${run.root}\``, 1);
  const table = { names, columns };
  writeArrow(run.dataset, table);
  const status = columns[names.indexOf('status')] as string[];
  return { rows: sample.length, columns: names, diverged: status.filter((s) => s !== 'ok').length, path: run.dataset };
}

function concat(cols: Column[]): Column {
  if (Array.isArray(cols[0])) return (cols as string[][]).flat();
  const n = cols.reduce((s, c) => s + c.length, 0);
  const out = cols[0] instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
  let off = 0;
  for (const c of cols as (Int32Array | Float64Array)[]) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
