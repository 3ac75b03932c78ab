/**
 * Independent z-scoring as sbi does it: per-column mean and unbiased standard deviation of the training
 * split only, the standard deviation floored at 1e-14 so constant columns stay finite.
 */
import type { ZScore } from '../flow/graphs.js';

const STD_FLOOR = 1e-14;

export function columnStats(values: Float64Array, cols: number, rows: ArrayLike<number>): { mean: number[]; std: number[] } {
  const n = rows.length;
  const mean = new Array<number>(cols).fill(0);
  const m2 = new Array<number>(cols).fill(0);
  // Welford's update: stable for features with a large offset.
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    for (let j = 0; j < cols; j++) {
      const v = values[r * cols + j]!;
      const delta = v - mean[j]!;
      mean[j]! += delta / (k + 1);
      m2[j]! += delta * (v - mean[j]!);
    }
  }
  const std = m2.map((s) => Math.max(STD_FLOOR, Math.sqrt(n > 1 ? s / (n - 1) : 0)));
  return { mean, std };
}

export function fitZScore(theta: Float64Array, thetaDim: number, x: Float64Array, xDim: number, rows: ArrayLike<number>): ZScore {
  const t = columnStats(theta, thetaDim, rows);
  const f = columnStats(x, xDim, rows);
  return { thetaMean: t.mean, thetaStd: t.std, xMean: f.mean, xStd: f.std };
}

/** Rows `rows` of `values` (n × cols), standardised, as one float32 block. */
export function standardizeRows(values: Float64Array, cols: number, rows: ArrayLike<number>, mean: number[], std: number[], out?: Float32Array): Float32Array {
  const o = out ?? new Float32Array(rows.length * cols);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    for (let j = 0; j < cols; j++) o[k * cols + j] = (values[r * cols + j]! - mean[j]!) / std[j]!;
  }
  return o;
}
