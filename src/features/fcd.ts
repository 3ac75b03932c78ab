/**
 * Functional connectivity dynamics (FCD), following tvb-inversion's `compute_fcd`/`compute_fcd_filt`:
 * windows of `window` samples start at 0, step, 2·step, … while start < nTime − window (numpy's
 * `range(0, T − w, s)`, so the last possible window is not used); each window's FC upper triangle is one
 * row of the stack; FCD[a, b] is the Pearson correlation between rows a and b. Only window pairs at least
 * `window` apart in window index (b − a ≥ w, tvb-inversion's `triu(FCD, k=w)`) enter any feature, so only
 * those correlations are computed.
 */
import type { TimeSeries } from '../timeseries.js';
import { RegionCorrelator, clipUnit, pairCount } from './correlation.js';
import { clipNegative } from './fc.js';

/** Number of windows: ceil((nTime − window)/step), 0 when nTime ≤ window. */
export function windowCount(nTime: number, window: number, step: number): number {
  return nTime > window ? Math.ceil((nTime - window) / step) : 0;
}

/** Number of FCD entries b − a ≥ offset among W windows (one triangle). */
export function fcdPairCount(nWindows: number, offset: number): number {
  const m = nWindows - offset;
  return m > 0 ? (m * (m + 1)) / 2 : 0;
}

/** The windowed-FC stack: W rows of N(N−1)/2 unclipped correlations. */
export function windowedFcStack(series: TimeSeries, window: number, step: number): Float64Array {
  const nWindows = windowCount(series.nTime, window, step);
  const m = pairCount(series.nRegions);
  const stack = new Float64Array(nWindows * m);
  const correlator = new RegionCorrelator(series.nRegions, window);
  for (let a = 0; a < nWindows; a++) correlator.upperTriangle(series.data, a * step, window, stack, a * m);
  return stack;
}

/**
 * Rows centred and scaled to unit norm, so that a correlation is a plain dot product. `entries` holds the
 * explicit entries of each row; `implicit` more entries of value 0 belong to every row (the masked-out
 * region pairs of the inter-hemispheric stack), which enter the mean and the norm analytically.
 */
interface NormalisedRows {
  rows: Float64Array;
  entries: number;
  implicit: number;
  /** Per row: its mean over all entries (needed for the implicit zeros' contribution) and 1/norm. */
  centredZero: Float64Array;
}

function normaliseRows(rows: Float64Array, nRows: number, entries: number, implicit: number): NormalisedRows {
  const total = entries + implicit;
  const centredZero = new Float64Array(nRows);
  for (let a = 0; a < nRows; a++) {
    const base = a * entries;
    let sum = 0;
    for (let k = 0; k < entries; k++) sum += rows[base + k];
    const mean = sum / total;
    let squares = implicit * mean * mean;
    for (let k = 0; k < entries; k++) {
      const c = rows[base + k] - mean;
      rows[base + k] = c;
      squares += c * c;
    }
    const inverseNorm = 1 / Math.sqrt(squares); // Infinity for a constant row → NaN correlations, as numpy
    for (let k = 0; k < entries; k++) rows[base + k] *= inverseNorm;
    centredZero[a] = -mean * inverseNorm;
  }
  return { rows, entries, implicit, centredZero };
}

/**
 * Correlations FCD[a, b] for b − a ≥ offset, packed row by row (a ascending, then b ascending), clipped to
 * [−1, 1] as `np.corrcoef` does.
 */
function correlateDistantPairs(n: NormalisedRows, nRows: number, offset: number): Float64Array {
  const out = new Float64Array(fcdPairCount(nRows, offset));
  const { rows, entries, implicit, centredZero } = n;
  let k = 0;
  for (let a = 0; a + offset < nRows; a++) {
    const baseA = a * entries;
    let b = a + offset;
    // four rows at a time share the loads of row a
    for (; b + 3 < nRows; b += 4) {
      const b0 = b * entries;
      const b1 = b0 + entries;
      const b2 = b1 + entries;
      const b3 = b2 + entries;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let e = 0; e < entries; e++) {
        const x = rows[baseA + e];
        s0 += x * rows[b0 + e];
        s1 += x * rows[b1 + e];
        s2 += x * rows[b2 + e];
        s3 += x * rows[b3 + e];
      }
      const za = implicit * centredZero[a];
      out[k++] = clipUnit(s0 + za * centredZero[b]);
      out[k++] = clipUnit(s1 + za * centredZero[b + 1]);
      out[k++] = clipUnit(s2 + za * centredZero[b + 2]);
      out[k++] = clipUnit(s3 + za * centredZero[b + 3]);
    }
    for (; b < nRows; b++) {
      const baseB = b * entries;
      let s = 0;
      for (let e = 0; e < entries; e++) s += rows[baseA + e] * rows[baseB + e];
      out[k++] = clipUnit(s + implicit * centredZero[a] * centredZero[b]);
    }
  }
  return out;
}

/** FCD entries b − a ≥ offset of the unmasked stack (the stack is not modified). */
export function fcdDistantPairs(stack: Float64Array, nWindows: number, nPairs: number, offset: number): Float64Array {
  const normalised = normaliseRows(Float64Array.from(stack), nWindows, nPairs, 0);
  return correlateDistantPairs(normalised, nWindows, offset);
}

/** Indexes (into the FC upper triangle) of the pairs whose regions lie in different hemispheres. */
export function interHemisphericPairs(hemisphere: Uint8Array): Int32Array {
  const n = hemisphere.length;
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++, k++) if (hemisphere[i] !== hemisphere[j]) out.push(k);
  return Int32Array.from(out);
}

/**
 * The inter-hemispheric stack of tvb-inversion's `compute_fcd_filt`: every windowed FC clipped at 0 and
 * multiplied by the inter-hemispheric mask. Returned compactly: only the inter pairs are stored; the
 * intra pairs are zeros — or NaN when the window's FC has any NaN, because numpy's `NaN·0` is NaN — and
 * are accounted for by `rowNaN`.
 */
export interface InterStack {
  values: Float64Array;
  nInter: number;
  nIntra: number;
  /** 1 where the window's FC has a NaN anywhere (its whole masked row is then NaN in numpy terms). */
  rowNaN: Uint8Array;
}

export function interHemisphericStack(stack: Float64Array, nWindows: number, nPairs: number, inter: Int32Array): InterStack {
  const nInter = inter.length;
  const values = new Float64Array(nWindows * nInter);
  const rowNaN = new Uint8Array(nWindows);
  for (let a = 0; a < nWindows; a++) {
    const base = a * nPairs;
    for (let k = 0; k < nPairs; k++) {
      if (Number.isNaN(stack[base + k])) {
        rowNaN[a] = 1;
        break;
      }
    }
    for (let q = 0; q < nInter; q++) values[a * nInter + q] = rowNaN[a] ? NaN : clipNegative(stack[base + inter[q]]);
  }
  return { values, nInter, nIntra: nPairs - nInter, rowNaN };
}

/**
 * FCD_STACK_STD_INTER_TENS: population standard deviation over all W × N(N−1)/2 entries of the masked,
 * clipped stack, the masked-out zeros included (numpy `std(fc_stack_inter)`).
 */
export function interStackStd(s: InterStack, nWindows: number): number {
  if (s.rowNaN.some((v) => v === 1)) return NaN;
  const total = nWindows * (s.nInter + s.nIntra);
  let sum = 0;
  for (let k = 0; k < s.values.length; k++) sum += s.values[k];
  const mean = sum / total;
  let squares = nWindows * s.nIntra * mean * mean;
  for (let k = 0; k < s.values.length; k++) squares += (s.values[k] - mean) ** 2;
  return Math.sqrt(squares / total);
}

/** FCD_inter entries b − a ≥ offset: correlations between rows of the masked stack (all N(N−1)/2 entries). */
export function fcdInterDistantPairs(s: InterStack, nWindows: number, offset: number): Float64Array {
  const normalised = normaliseRows(Float64Array.from(s.values), nWindows, s.nInter, s.nIntra);
  return correlateDistantPairs(normalised, nWindows, offset);
}

/** FCD_SUM = Σ_{|a−b| ≥ w} |FCD_ab| over both triangles (tvb-inversion: `sum(|triu(FCD,w) + tril(FCD,−w)|)`). */
export function fcdSum(distant: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < distant.length; k++) sum += Math.abs(distant[k]);
  return 2 * sum;
}

/**
 * Variance of `triu(FCD, k=w)` over the whole W × W matrix, the zeroed entries included (tvb-inversion's
 * FCD_VAR_OV_vect: `np.var(np.triu(FCD, k=win_len))`).
 */
export function fcdVarianceWithZeros(distant: Float64Array, nWindows: number): number {
  const total = nWindows * nWindows;
  let sum = 0;
  for (let k = 0; k < distant.length; k++) sum += distant[k];
  const mean = sum / total;
  let squares = (total - distant.length) * mean * mean;
  for (let k = 0; k < distant.length; k++) squares += (distant[k] - mean) ** 2;
  return squares / total;
}

/** Population variance of the FCD entries with b − a ≥ w only (no structural zeros); NaN when there are none. */
export function fcdVariance(distant: Float64Array): number {
  const n = distant.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += distant[k];
  const mean = sum / n;
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (distant[k] - mean) ** 2;
  return squares / n;
}
