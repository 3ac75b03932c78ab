import type { ChunkAttempt } from '../backend.js';

/** One array element: the chunk attempts it runs one after the other (all with the same attempt number). */
export interface Element {
  attempt: number;
  chunks: number[];
}

/** One `sbatch --array` call: elements [offset, offset + count) of the map file as indices 0..count-1. */
export interface ArrayPart {
  offset: number;
  count: number;
  /** The --array value, e.g. `0-999%8`. */
  spec: string;
}

/**
 * Pack chunk attempts into array elements: `chunksPerElement` chunks each, never mixing attempt numbers
 * (`hpcinv task` takes one --attempt), in chunk order.
 */
export function packElements(attempts: readonly ChunkAttempt[], chunksPerElement: number): Element[] {
  const byAttempt = new Map<number, number[]>();
  for (const a of attempts) {
    const list = byAttempt.get(a.attempt) ?? [];
    list.push(a.chunk);
    byAttempt.set(a.attempt, list);
  }
  const elements: Element[] = [];
  for (const [attempt, chunks] of [...byAttempt].sort((x, y) => x[0] - y[0])) {
    chunks.sort((x, y) => x - y);
    for (let i = 0; i < chunks.length; i += chunksPerElement) elements.push({ attempt, chunks: chunks.slice(i, i + chunksPerElement) });
  }
  return elements;
}

/**
 * Split elements into arrays SLURM accepts: indices 0..MaxArraySize-1, so at most `maxArraySize`
 * elements per array, each indexed from 0 with an offset into the map file. The %N throttle applies
 * per array (SLURM has no limit across arrays).
 */
export function splitArrays(elementCount: number, maxArraySize: number, maxConcurrent?: number): ArrayPart[] {
  const parts: ArrayPart[] = [];
  for (let offset = 0; offset < elementCount; offset += maxArraySize) {
    const count = Math.min(maxArraySize, elementCount - offset);
    const throttle = maxConcurrent !== undefined && maxConcurrent < count ? `%${maxConcurrent}` : '';
    parts.push({ offset, count, spec: `${count === 1 ? '0' : `0-${count - 1}`}${throttle}` });
  }
  return parts;
}

/** The map-file line of an element: the arguments `hpcinv task <run>` receives. */
export function elementArgs(e: Element): string {
  return [...e.chunks.flatMap((c) => ['--chunk', String(c)]), '--attempt', String(e.attempt)].join(' ');
}
