import { InputError } from '../errors.js';
import { columnMoments } from './stats.js';

/**
 * Posterior predictive check: simulate features from posterior samples (done by the caller, who owns the
 * simulator) and ask, feature by feature, whether the observed value sits in the bulk of the predicted
 * ones. As sbi's docs stress, this is a sanity check of fit, not a calibration test.
 */
export interface PpcFeature {
  name: string;
  observed: number;
  predictedMean: number;
  predictedSd: number;
  /** Fraction of predicted values below the observed one (ties count half). */
  quantile: number;
  /** Two-sided predictive p-value 2·min(q, 1 − q): small = the observation is in a tail. */
  pValue: number;
  /** (observed − mean) / sd of the predicted values. */
  z: number;
  /** Observed value inside the central `level` interval of the predicted values. */
  inside: boolean;
}

export interface PpcResult {
  features: PpcFeature[];
  level: number;
  /** Every feature inside its central interval. */
  passed: boolean;
  predictedCount: number;
}

/**
 * `observed`: the k features of the observation; `predicted`: row-major m × k features simulated from m
 * posterior samples (rows with a non-finite value — diverged simulations — are skipped and counted out).
 */
export function posteriorPredictiveCheck(
  observed: ArrayLike<number>,
  predicted: Float64Array,
  names: string[],
  options: { level?: number } = {},
): PpcResult {
  const k = observed.length;
  const level = options.level ?? 0.95;
  if (names.length !== k) throw new InputError(`PPC: ${names.length} names for ${k} features — fix: name every feature`);
  if (predicted.length % k !== 0) throw new InputError(`PPC: predicted values are not m × ${k} — fix: pass row-major features`);
  const rows: number[] = [];
  for (let r = 0; r < predicted.length / k; r++) {
    let finite = true;
    for (let j = 0; j < k; j++) if (!Number.isFinite(predicted[r * k + j]!)) finite = false;
    if (finite) rows.push(r);
  }
  if (rows.length < 2) {
    throw new InputError(`PPC: only ${rows.length} finite predictive simulations — fix: simulate more posterior samples`);
  }
  const clean = new Float64Array(rows.length * k);
  rows.forEach((r, i) => clean.set(predicted.subarray(r * k, r * k + k), i * k));
  const features: PpcFeature[] = [];
  for (let j = 0; j < k; j++) {
    const obs = observed[j]!;
    const { mean, variance } = columnMoments(clean, k, j);
    let below = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = clean[i * k + j]!;
      below += v < obs ? 1 : v === obs ? 0.5 : 0;
    }
    const quantile = below / rows.length;
    const sd = Math.sqrt(variance);
    features.push({
      name: names[j]!,
      observed: obs,
      predictedMean: mean,
      predictedSd: sd,
      quantile,
      pValue: Math.min(1, 2 * Math.min(quantile, 1 - quantile)),
      z: sd > 0 ? (obs - mean) / sd : obs === mean ? 0 : Infinity,
      inside: quantile >= (1 - level) / 2 && quantile <= 1 - (1 - level) / 2,
    });
  }
  return { features, level, passed: features.every((f) => f.inside), predictedCount: rows.length };
}
