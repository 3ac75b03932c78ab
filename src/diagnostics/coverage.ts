import { InputError } from '../errors.js';
import { Rng } from './random.js';
import { ksTestUniform } from './stats.js';

/**
 * Expected coverage: for each credibility level α, the fraction of test cases whose true θ* lies inside
 * the posterior's α-credible region. Calibrated: ECP(α) = α; below the diagonal = over-confident
 * (regions too small), above = under-confident. Every variant reduces a test case to one number f_i —
 * the smallest credibility level whose region contains θ* — so ECP(α) = mean(f_i < α) and, if
 * calibrated, the f_i are Uniform(0, 1).
 */

export interface CoverageCurve {
  alpha: number[];
  ecp: number[];
  /** Area between ECP and the diagonal over α ≥ 0.5 (TARP's ATC): ≈ 0 calibrated, < 0 over-confident. */
  atc: number;
  /** KS test of the f_i against Uniform(0, 1). */
  ksPValue: number;
  fractions: number[];
}

/** Build the curve from per-case credibility levels f_i ∈ [0, 1], on `points` + 1 equally spaced α. */
export function coverageCurve(fractions: number[], points = 50): CoverageCurve {
  if (fractions.length === 0) throw new InputError('coverage: no test cases — fix: pass at least one');
  const n = fractions.length;
  const alpha: number[] = [];
  const ecp: number[] = [];
  for (let j = 0; j <= points; j++) {
    const a = j / points;
    let inside = 0;
    for (const f of fractions) if (f < a || (a === 1 && f <= 1)) inside++;
    alpha.push(a);
    ecp.push(inside / n);
  }
  // Trapezoid rule of (ECP − α) over α ∈ [0.5, 1].
  let atc = 0;
  for (let j = 1; j <= points; j++) {
    if (alpha[j - 1]! < 0.5) continue;
    atc += 0.5 * (ecp[j]! - alpha[j]! + ecp[j - 1]! - alpha[j - 1]!) * (alpha[j]! - alpha[j - 1]!);
  }
  return { alpha, ecp, atc, ksPValue: ksTestUniform(fractions).pValue, fractions };
}

/**
 * Level of the central (equal-tailed) marginal interval that just contains θ*, from an SBC rank:
 * θ* sits at quantile q = (rank + ½)/(L + 1), so the smallest central interval holding it has level |2q − 1|.
 */
export function centralIntervalLevel(rank: number, L: number): number {
  return Math.abs((2 * (rank + 0.5)) / (L + 1) - 1);
}

/**
 * Level of the highest-posterior-density region that just contains θ*: the fraction of posterior samples
 * with a higher log-density than θ* (sbi's expected coverage with `reduce_fns = log_prob`).
 */
export function hpdLevel(sampleLogProbs: ArrayLike<number>, truthLogProb: number): number {
  let higher = 0;
  for (let i = 0; i < sampleLogProbs.length; i++) if (sampleLogProbs[i]! > truthLogProb) higher++;
  return higher / sampleLogProbs.length;
}

export interface TarpCase {
  /** Row-major L × dim posterior samples. */
  samples: Float64Array;
  truth: ArrayLike<number>;
}

/**
 * TARP (Lemos et al. 2023) as sbi's `run_tarp` does it by default: scale θ to [0, 1] by the min/max of
 * the true θ over the test cases, draw one reference point uniformly in the unit box per case, and let
 * f_i be the fraction of posterior samples closer (L2) to the reference than θ*_i is. Needs no density.
 */
export function tarp(cases: TarpCase[], dim: number, options: { seed?: number; points?: number } = {}): CoverageCurve {
  if (cases.length < 2) throw new InputError(`TARP needs at least 2 test cases, got ${cases.length} — fix: use ≥ 100 held-out simulations`);
  const lo = new Float64Array(dim).fill(Infinity);
  const hi = new Float64Array(dim).fill(-Infinity);
  for (const c of cases) {
    if (c.truth.length !== dim || c.samples.length % dim !== 0 || c.samples.length === 0) {
      throw new InputError(`TARP: each case needs ${dim} true values and L × ${dim} samples — fix: check the shapes`);
    }
    for (let k = 0; k < dim; k++) {
      lo[k] = Math.min(lo[k]!, c.truth[k]!);
      hi[k] = Math.max(hi[k]!, c.truth[k]!);
    }
  }
  const scale = Array.from(lo, (l, k) => (hi[k]! > l ? hi[k]! - l : 1));
  const rng = new Rng(options.seed ?? 1);
  const fractions: number[] = [];
  for (const c of cases) {
    const ref = Array.from({ length: dim }, () => rng.uniform());
    let dTruth = 0;
    for (let k = 0; k < dim; k++) dTruth += ((c.truth[k]! - lo[k]!) / scale[k]! - ref[k]!) ** 2;
    const L = c.samples.length / dim;
    let closer = 0;
    for (let i = 0; i < L; i++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += ((c.samples[i * dim + k]! - lo[k]!) / scale[k]! - ref[k]!) ** 2;
      if (d < dTruth) closer++;
    }
    fractions.push(closer / L);
  }
  return coverageCurve(fractions, options.points);
}
