import { InputError } from '../errors.js';
import { chiSquareSurvival, ksTestUniform } from './stats.js';

/**
 * Simulation-based calibration (Talts et al. 2018), as sbi's `run_sbc` / `check_sbc`: for each test
 * pair (θ*_i, x_i) and each parameter, the rank of θ*_i among L posterior samples given x_i is the number
 * of samples smaller than it (0..L). A calibrated posterior gives uniform ranks.
 */

/** Ranks of one test case: per parameter, how many of the L samples are smaller than θ*. */
export function sbcRanks(samples: Float64Array, dim: number, truth: ArrayLike<number>): number[] {
  if (samples.length === 0 || samples.length % dim !== 0 || truth.length !== dim) {
    throw new InputError(`sbcRanks: need L × ${dim} samples and ${dim} true values — fix: pass row-major samples and θ*`);
  }
  const L = samples.length / dim;
  const ranks: number[] = [];
  for (let k = 0; k < dim; k++) {
    let r = 0;
    for (let i = 0; i < L; i++) if (samples[i * dim + k]! < truth[k]!) r++;
    ranks.push(r);
  }
  return ranks;
}

export interface SbcUniformity {
  /** KS test of (rank + ½)/(L + 1) against Uniform(0, 1) — the test sbi's `check_sbc` reports. */
  ksStatistic: number;
  ksPValue: number;
  /** Pearson χ² test of the rank histogram (`bins` bins, expected counts exact for L + 1 rank values). */
  chi2: number;
  chi2PValue: number;
  bins: number;
  /** Histogram counts (for the plot). */
  histogram: number[];
}

export interface SbcResult {
  /** ranks[i][k]: rank of parameter k in test case i. */
  ranks: number[][];
  samplesPerCase: number;
  perParameter: SbcUniformity[];
  /** Every parameter's KS p-value ≥ `alpha` (default 0.05). */
  calibrated: boolean;
  alpha: number;
}

/** Rank-uniformity tests over many test cases. `L`: posterior samples per case (ranks lie in 0..L). */
export function sbcUniformity(ranks: number[][], L: number, options: { bins?: number; alpha?: number } = {}): SbcResult {
  const n = ranks.length;
  if (n < 2) throw new InputError(`SBC needs at least 2 test cases, got ${n} — fix: use ≥ 100 held-out simulations`);
  const dim = ranks[0]!.length;
  const alpha = options.alpha ?? 0.05;
  // About 5+ expected counts per bin keeps the χ² approximation honest; never more bins than rank values.
  const bins = Math.max(2, Math.min(options.bins ?? 20, Math.floor(n / 5), L + 1));
  const perParameter: SbcUniformity[] = [];
  for (let k = 0; k < dim; k++) {
    const u: number[] = [];
    const histogram = new Array<number>(bins).fill(0);
    for (const row of ranks) {
      const r = row[k]!;
      if (!Number.isInteger(r) || r < 0 || r > L) {
        throw new InputError(`SBC rank ${r} outside 0..${L} — fix: compute ranks against ${L} posterior samples per case`);
      }
      u.push((r + 0.5) / (L + 1));
      histogram[Math.floor((r * bins) / (L + 1))]!++;
    }
    const ks = ksTestUniform(u);
    let chi2 = 0;
    for (let b = 0; b < bins; b++) {
      // Rank values r with floor(r·bins/(L+1)) = b are r ∈ [ceil(b(L+1)/bins), ceil((b+1)(L+1)/bins)).
      const count = Math.ceil(((b + 1) * (L + 1)) / bins) - Math.ceil((b * (L + 1)) / bins);
      const expected = (n * count) / (L + 1);
      chi2 += (histogram[b]! - expected) ** 2 / expected;
    }
    perParameter.push({
      ksStatistic: ks.statistic,
      ksPValue: ks.pValue,
      chi2,
      chi2PValue: chiSquareSurvival(chi2, bins - 1),
      bins,
      histogram,
    });
  }
  return {
    ranks,
    samplesPerCase: L,
    perParameter,
    calibrated: perParameter.every((p) => p.ksPValue >= alpha),
    alpha,
  };
}
