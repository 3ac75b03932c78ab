import type { Chunk } from './backend.js';
import { InputError } from '../errors.js';

/** Split samples [0, n) into contiguous chunks of `size` (the last one may be shorter). */
export function planChunks(nSamples: number, size: number): Chunk[] {
  if (!Number.isInteger(nSamples) || nSamples < 1) throw new InputError(`cannot plan ${nSamples} samples — fix: draw samples first (\`hpcinv sample\`)`);
  if (!Number.isInteger(size) || size < 1) throw new InputError(`chunk size ${size} is not a positive integer — fix: pass --chunk-size ≥ 1`);
  const chunks: Chunk[] = [];
  for (let start = 0, id = 0; start < nSamples; start += size, id++) chunks.push({ id, start, end: Math.min(nSamples, start + size) });
  return chunks;
}

/**
 * Chunk size from a target task duration: as many simulations as fit in `targetSeconds`, at least one,
 * a multiple of the simulator batch when that does not overshoot, and never so large that fewer chunks
 * than `minChunks` (e.g. the worker count) would exist — otherwise cores would idle.
 */
export function chunkSizeFor(opts: { nSamples: number; secondsPerSimulation: number; targetSeconds: number; batchSize: number; minChunks: number }): number {
  const { nSamples, secondsPerSimulation, targetSeconds, batchSize, minChunks } = opts;
  let size = Math.max(1, Math.floor(targetSeconds / Math.max(secondsPerSimulation, 1e-9)));
  if (size >= batchSize) size -= size % batchSize;
  const spread = Math.max(1, Math.ceil(nSamples / Math.max(1, minChunks)));
  return Math.max(1, Math.min(size, spread, nSamples));
}
