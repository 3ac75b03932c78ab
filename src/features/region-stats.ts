/**
 * Per-region statistics of a signal over time (the "higher moments" features of tvb-inversion's first
 * generation, `sbi_tvb/features.py`, which used numpy/scipy defaults). All are population (biased)
 * estimators: std with ddof = 0, skewness g1 = m3/m2^1.5, excess kurtosis g2 = m4/m2² − 3 (scipy.stats
 * `skew` and `kurtosis` with their defaults bias=True, fisher=True); a constant region gives NaN skewness
 * and kurtosis (0/0), as scipy does.
 */
import type { TimeSeries } from '../timeseries.js';

export type RegionStatistic = 'mean' | 'std' | 'median' | 'skew' | 'kurtosis';

/** Writes statistic `stat` of every region into `out[offset … offset + nRegions)`. */
export function regionStatistic(series: TimeSeries, stat: RegionStatistic, out: Float64Array, offset: number, scratch?: Float64Array): void {
  const { nTime: T, nRegions: n, data } = series;
  const column = scratch && scratch.length >= T ? scratch : new Float64Array(T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) column[t] = data[t * n + i];
    out[offset + i] = columnStatistic(column.subarray(0, T), stat);
  }
}

function columnStatistic(x: Float64Array, stat: RegionStatistic): number {
  const T = x.length;
  if (stat === 'median') {
    x.sort(); // typed-array sort is numeric; NaN sorts last
    if (Number.isNaN(x[T - 1])) return NaN;
    const mid = T >> 1;
    return T % 2 === 1 ? x[mid] : 0.5 * (x[mid - 1] + x[mid]);
  }
  let sum = 0;
  for (let t = 0; t < T; t++) sum += x[t];
  const mean = sum / T;
  if (stat === 'mean') return mean;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < T; t++) {
    const d = x[t] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= T;
  m3 /= T;
  m4 /= T;
  if (stat === 'std') return Math.sqrt(m2);
  if (stat === 'skew') return m3 / m2 ** 1.5;
  return m4 / (m2 * m2) - 3;
}
