/**
 * Static functional connectivity (FC) and its tvb-inversion summaries. FC is the Pearson correlation
 * between regional signals over all samples (`np.corrcoef` over regions), kept as its strict upper
 * triangle; the summaries use tvb-inversion's `compute_fc` form, in which negative correlations are set
 * to 0 (NaN stays NaN, as `r * (r > 0)` does in numpy).
 */
import type { TimeSeries } from '../timeseries.js';
import { RegionCorrelator, pairCount, pairIndex } from './correlation.js';

/** The FC upper triangle (pairs i < j, row-major), unclipped. */
export function fcUpperTriangle(series: TimeSeries): Float64Array {
  const out = new Float64Array(pairCount(series.nRegions));
  new RegionCorrelator(series.nRegions, series.nTime).upperTriangle(series.data, 0, series.nTime, out, 0);
  return out;
}

/** tvb-inversion's clipping: negatives to 0, NaN kept. */
export function clipNegative(r: number): number {
  return r <= 0 ? 0 : r;
}

/**
 * FC_SUM = Σ_{i≠j} max(FC_ij, 0): both triangles of the clipped FC with a zero diagonal, i.e. twice the
 * sum over pairs (tvb-inversion: `sum(|rsFC|) − trace(|rsFC|)`).
 */
export function fcSum(fcUpper: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < fcUpper.length; k++) sum += clipNegative(fcUpper[k]);
  return 2 * sum;
}

/**
 * HOMO_FC = mean over homotopic pairs of the clipped FC (tvb-inversion: `mean(diag(rsFC, k=N/2))`, which
 * is this with the "halves" pairing).
 */
export function homotopicFc(fcUpper: Float64Array, nRegions: number, pairs: ReadonlyArray<readonly [number, number]>): number {
  if (pairs.length === 0) return NaN;
  let sum = 0;
  for (const [a, b] of pairs) {
    const [i, j] = a < b ? [a, b] : [b, a];
    sum += clipNegative(fcUpper[pairIndex(i, j, nRegions)]);
  }
  return sum / pairs.length;
}
