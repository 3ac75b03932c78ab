import { InputError } from '../errors.js';
import { columnMoments } from './stats.js';

/**
 * Parameter recovery scores of one posterior against a known ground truth θ*, per parameter
 * (Hashemi et al.; vbjax's `shrinkage_zscore`):
 *   shrinkage s = 1 − σ²_post / σ²_prior  (→ 1: the data pin the parameter down; ≤ 0: nothing learnt)
 *   z-score   z = |μ_post − θ*| / σ_post  (small: the posterior is centred on the truth)
 */
export interface Recovery {
  mean: number;
  sd: number;
  shrinkage: number;
  z: number;
}

/**
 * `samples`: row-major `L × dim` posterior samples; `truth`: θ* (length dim); `priorVariance`: the
 * prior's marginal variance of each parameter (e.g. (b − a)²/12 for U(a, b)).
 */
export function recovery(
  samples: Float64Array,
  dim: number,
  truth: ArrayLike<number>,
  priorVariance: ArrayLike<number>,
): Recovery[] {
  if (samples.length === 0 || samples.length % dim !== 0) {
    throw new InputError(`recovery: ${samples.length} values do not form L × ${dim} samples — fix: pass row-major posterior samples`);
  }
  if (truth.length !== dim || priorVariance.length !== dim) {
    throw new InputError(
      `recovery: θ* has ${truth.length} and the prior variance ${priorVariance.length} entries for ${dim} parameters — fix: pass one per parameter`,
    );
  }
  const out: Recovery[] = [];
  for (let k = 0; k < dim; k++) {
    const pv = priorVariance[k]!;
    if (!(pv > 0) || !Number.isFinite(pv)) {
      throw new InputError(`recovery: prior variance of parameter ${k} is ${pv} — fix: pass a finite positive variance`);
    }
    const { mean, variance } = columnMoments(samples, dim, k);
    const sd = Math.sqrt(variance);
    const err = Math.abs(mean - truth[k]!);
    // A degenerate (zero-width) posterior has z = 0 if exactly right, +∞ otherwise.
    const z = sd > 0 ? err / sd : err === 0 ? 0 : Infinity;
    out.push({ mean, sd, shrinkage: 1 - variance / pv, z });
  }
  return out;
}

/** Mean of a list of numbers (NaN for an empty list). */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
