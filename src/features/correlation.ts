/**
 * Pearson correlation between regions over a range of samples, written into the strict upper triangle
 * (pairs i < j in row-major order, as numpy's `triu_indices(N, 1)`). Semantics follow `np.corrcoef`:
 * a constant region gives NaN correlations, values are clipped to [−1, 1], NaN input propagates.
 */

/** Number of region pairs i < j. */
export function pairCount(nRegions: number): number {
  return (nRegions * (nRegions - 1)) / 2;
}

/** Position of pair (i, j), i < j, in an upper-triangle vector. */
export function pairIndex(i: number, j: number, nRegions: number): number {
  return i * nRegions - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Reusable scratch for correlating `nRegions` regions over windows of up to `maxLength` samples, so the
 * per-window work allocates nothing.
 */
export class RegionCorrelator {
  /** Centred samples, region-major (`centred[i * maxLength + t]`), so each pair's dot product is contiguous. */
  private readonly centred: Float64Array;
  private readonly inverseNorm: Float64Array;

  constructor(
    readonly nRegions: number,
    readonly maxLength: number,
  ) {
    this.centred = new Float64Array(nRegions * maxLength);
    this.inverseNorm = new Float64Array(nRegions);
  }

  /**
   * Correlations of samples [start, start + length) of `data` (nTime × nRegions row-major), written to
   * `out[offset … offset + N(N−1)/2)`.
   */
  upperTriangle(data: Float64Array, start: number, length: number, out: Float64Array, offset: number): void {
    const n = this.nRegions;
    const stride = this.maxLength;
    const centred = this.centred;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let t = 0; t < length; t++) sum += data[(start + t) * n + i];
      const mean = sum / length;
      let squares = 0;
      const base = i * stride;
      for (let t = 0; t < length; t++) {
        const c = data[(start + t) * n + i] - mean;
        centred[base + t] = c;
        squares += c * c;
      }
      // 1/0 = Infinity, and 0·Infinity = NaN below: a constant region correlates as NaN, as in numpy.
      this.inverseNorm[i] = 1 / Math.sqrt(squares);
    }
    const inverseNorm = this.inverseNorm;
    let k = offset;
    for (let i = 0; i < n - 1; i++) {
      const baseI = i * stride;
      const invI = inverseNorm[i];
      let j = i + 1;
      // windows are short (a few to a few tens of samples): four pairs per pass amortise the loop overhead
      for (; j + 3 < n; j += 4) {
        const b0 = j * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        for (let t = 0; t < length; t++) {
          const x = centred[baseI + t];
          d0 += x * centred[b0 + t];
          d1 += x * centred[b1 + t];
          d2 += x * centred[b2 + t];
          d3 += x * centred[b3 + t];
        }
        out[k++] = clipUnit(d0 * invI * inverseNorm[j]);
        out[k++] = clipUnit(d1 * invI * inverseNorm[j + 1]);
        out[k++] = clipUnit(d2 * invI * inverseNorm[j + 2]);
        out[k++] = clipUnit(d3 * invI * inverseNorm[j + 3]);
      }
      for (; j < n; j++) {
        const baseJ = j * stride;
        let dot = 0;
        for (let t = 0; t < length; t++) dot += centred[baseI + t] * centred[baseJ + t];
        out[k++] = clipUnit(dot * invI * inverseNorm[j]);
      }
    }
  }
}

/** np.corrcoef clips to [−1, 1] (rounding can overshoot); NaN passes through. */
export function clipUnit(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
