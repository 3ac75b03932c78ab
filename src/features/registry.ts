/**
 * The feature registry: turns a validated `features` section into named feature vectors.
 *   featureNames(spec, shape)                       → the names, known before any simulation runs
 *   createFeatureExtractor(spec, shape, context)    → { names, compute(series) }, prepared once per run
 *   computeFeatures(series, spec, context)          → { names, values, nonFinite? }
 * Features appear in the order of `spec.compute`; vector kinds expand in index order.
 */
import { InputError } from '../errors.js';
import type { TimeSeries } from '../timeseries.js';
import { pairCount } from './correlation.js';
import { fcSum, fcUpperTriangle, homotopicFc } from './fc.js';
import {
  fcdDistantPairs,
  fcdInterDistantPairs,
  fcdPairCount,
  fcdSum,
  fcdVariance,
  fcdVarianceWithZeros,
  interHemisphericPairs,
  interHemisphericStack,
  interStackStd,
  windowCount,
  windowedFcStack,
  type InterStack,
} from './fcd.js';
import { FCD_KINDS, PAIRING_KINDS, type FeatureKind } from './kinds.js';
import { checkPairing, halvesPairing, type RegionPairing } from './pairing.js';
import { regionStatistic, type RegionStatistic } from './region-stats.js';
import type { FeaturesSpec } from './schema.js';
import { removeTransient, samplePeriodMs, transientSampleCount } from './transient.js';

export interface FeatureContext {
  /** Hemispheres and homotopic pairs; required when `regionPairing` is `connectome`. */
  pairing?: RegionPairing;
}

export interface FeatureResult {
  names: string[];
  values: Float64Array;
  /**
   * Set when the input series held NaN or ±Infinity (a diverged simulation): every value is then NaN and
   * this says where the first non-finite sample was.
   */
  nonFinite?: string;
}

/** The shape of the source series before transient removal. */
export interface SeriesShape {
  nTime: number;
  nRegions: number;
  /** Needed only for a transient given in ms. */
  samplePeriodMs?: number;
}

interface Layout {
  names: string[];
  nTime: number;
  nRegions: number;
  nWindows: number;
  pairing?: RegionPairing;
}

/** Feature names for a series of this shape; throws InputError for settings the series cannot support. */
export function featureNames(spec: FeaturesSpec, shape: SeriesShape, context: FeatureContext = {}): string[] {
  return layout(spec, shape, context).names;
}

function layout(spec: FeaturesSpec, shape: SeriesShape, context: FeatureContext): Layout {
  const nRegions = shape.nRegions;
  const nTime = shape.nTime - transientSampleCount(spec.transient, shape.samplePeriodMs ?? NaN);
  if (nTime < 2) {
    throw new InputError(
      `features need at least 2 samples after the transient, the ${spec.source.monitor} series has ${Math.max(nTime, 0)} — fix: simulate longer or shorten the transient`,
    );
  }
  if (nRegions < 2 && spec.compute.some((k) => !k.startsWith('region_'))) {
    throw new InputError('FC and FCD features need at least 2 regions — fix: use a connectome with more regions or only region_* features');
  }
  let nWindows = 0;
  if (spec.compute.some((k) => FCD_KINDS.has(k))) {
    if (nRegions < 3) {
      throw new InputError(
        'FCD features need at least 3 regions: with 2, each window\'s FC is a single number and FCD correlations are undefined — fix: use a larger connectome or drop the fcd_* features',
      );
    }
    const { window, step } = spec.fcd!;
    nWindows = windowCount(nTime, window, step);
    if (nWindows <= window) {
      throw new InputError(
        `FCD window ${window} (step ${step}) gives ${nWindows} windows in ${nTime} samples, so no two windows are ${window} or more apart and every FCD feature would be 0 or empty — fix: use fcd.window ≤ ${Math.max(2, Math.floor((nTime - 1) / 2))} at step 1, or a longer simulation`,
      );
    }
  }
  const pairing = spec.compute.some((k) => PAIRING_KINDS.has(k)) ? resolvePairing(spec, nRegions, context) : undefined;
  const names: string[] = [];
  for (const kind of spec.compute) appendNames(kind, names, nRegions, nWindows, spec);
  return { names, nTime, nRegions, nWindows, pairing };
}

function resolvePairing(spec: FeaturesSpec, nRegions: number, context: FeatureContext): RegionPairing {
  if (spec.regionPairing === 'halves') return halvesPairing(nRegions);
  if (!context.pairing) {
    throw new InputError(
      'regionPairing is connectome but the connectome names no hemispheres — fix: use a connectome with hemisphere labels, or regionPairing: halves',
    );
  }
  checkPairing(context.pairing, nRegions);
  return context.pairing;
}

function appendNames(kind: FeatureKind, names: string[], nRegions: number, nWindows: number, spec: FeaturesSpec): void {
  if (kind === 'fc_triu') {
    for (let i = 0; i < nRegions - 1; i++) for (let j = i + 1; j < nRegions; j++) names.push(`fc_triu_${i}_${j}`);
  } else if (kind === 'fcd_triu') {
    const offset = spec.fcd!.window;
    for (let a = 0; a + offset < nWindows; a++) for (let b = a + offset; b < nWindows; b++) names.push(`fcd_triu_${a}_${b}`);
  } else if (kind.startsWith('region_')) {
    for (let i = 0; i < nRegions; i++) names.push(`${kind}_${i}`);
  } else {
    names.push(kind);
  }
}

/** First non-finite sample, as "sample t (time … ms), region i", or undefined. */
function findNonFinite(series: TimeSeries): string | undefined {
  const { data, nRegions } = series;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const t = Math.floor(k / nRegions);
      return `${data[k]} at sample ${t} (time ${series.time[t]} ms), region ${k % nRegions}`;
    }
  }
  return undefined;
}

/** Features of one experiment, prepared once for a series shape and applied to every simulation. */
export interface FeatureExtractor {
  readonly names: string[];
  compute(series: TimeSeries): FeatureResult;
}

/**
 * Validates the settings against the series shape once (throws InputError with the fix) and returns an
 * extractor that computes the features of each simulation's series without rebuilding the names.
 */
export function createFeatureExtractor(spec: FeaturesSpec, shape: SeriesShape, context: FeatureContext = {}): FeatureExtractor {
  const plan = layout(spec, shape, context);
  return {
    names: plan.names,
    compute(series: TimeSeries): FeatureResult {
      if (series.data.length !== series.nTime * series.nRegions || series.time.length !== series.nTime) {
        throw new InputError(
          `time series of ${series.nTime} × ${series.nRegions} has ${series.data.length} values and ${series.time.length} times — fix: pass nTime × nRegions values and nTime times`,
        );
      }
      if (series.nTime !== shape.nTime || series.nRegions !== shape.nRegions) {
        throw new InputError(
          `the series is ${series.nTime} × ${series.nRegions} but the features were prepared for ${shape.nTime} × ${shape.nRegions} — fix: prepare the extractor for this series' shape`,
        );
      }
      const values = new Float64Array(plan.names.length);
      const nonFinite = findNonFinite(series);
      if (nonFinite !== undefined) {
        values.fill(NaN);
        return { names: plan.names, values, nonFinite };
      }
      const cache = new Intermediates(removeTransient(series, spec.transient), spec, plan);
      let k = 0;
      for (const kind of spec.compute) k = writeKind(kind, cache, values, k);
      return { names: plan.names, values };
    },
  };
}

/**
 * Computes the features of one series. Non-finite input gives all-NaN values and `nonFinite` (a diverged
 * simulation is a result, not an error); settings the series cannot support throw InputError.
 */
export function computeFeatures(series: TimeSeries, spec: FeaturesSpec, context: FeatureContext = {}): FeatureResult {
  const shape = { nTime: series.nTime, nRegions: series.nRegions, samplePeriodMs: samplePeriodMs(series) };
  return createFeatureExtractor(spec, shape, context).compute(series);
}

/** Intermediate results computed on first use and shared between the kinds that need them. */
class Intermediates {
  private fc?: Float64Array;
  private stack?: Float64Array;
  private distant?: Float64Array;
  private inter?: InterStack;
  private interDistant?: Float64Array;
  constructor(
    readonly series: TimeSeries,
    readonly spec: FeaturesSpec,
    readonly plan: Layout,
  ) {}
  fcUpper(): Float64Array {
    return (this.fc ??= fcUpperTriangle(this.series));
  }
  private fcStack(): Float64Array {
    return (this.stack ??= windowedFcStack(this.series, this.spec.fcd!.window, this.spec.fcd!.step));
  }
  fcdDistant(): Float64Array {
    return (this.distant ??= fcdDistantPairs(this.fcStack(), this.plan.nWindows, pairCount(this.plan.nRegions), this.spec.fcd!.window));
  }
  interStack(): InterStack {
    return (this.inter ??= interHemisphericStack(
      this.fcStack(),
      this.plan.nWindows,
      pairCount(this.plan.nRegions),
      interHemisphericPairs(this.plan.pairing!.hemisphere),
    ));
  }
  fcdInterDistant(): Float64Array {
    return (this.interDistant ??= fcdInterDistantPairs(this.interStack(), this.plan.nWindows, this.spec.fcd!.window));
  }
}

function writeKind(kind: FeatureKind, c: Intermediates, out: Float64Array, k: number): number {
  const nWindows = c.plan.nWindows;
  switch (kind) {
    case 'fc_sum':
      out[k] = fcSum(c.fcUpper());
      return k + 1;
    case 'homotopic_fc':
      out[k] = homotopicFc(c.fcUpper(), c.plan.nRegions, c.plan.pairing!.homotopic);
      return k + 1;
    case 'fcd_sum':
      out[k] = fcdSum(c.fcdDistant());
      return k + 1;
    case 'fcd_var':
      out[k] = fcdVariance(c.fcdDistant());
      return k + 1;
    case 'fcd_var_ov':
      out[k] = fcdVarianceWithZeros(c.fcdDistant(), nWindows);
      return k + 1;
    case 'fcd_inter_var_ov':
      out[k] = fcdVarianceWithZeros(c.fcdInterDistant(), nWindows);
      return k + 1;
    case 'fcd_stack_std_inter':
      out[k] = interStackStd(c.interStack(), nWindows);
      return k + 1;
    case 'fcd_diff_var_inter':
      out[k] = fcdVarianceWithZeros(c.fcdInterDistant(), nWindows) - fcdVarianceWithZeros(c.fcdDistant(), nWindows);
      return k + 1;
    case 'fc_triu': {
      const fc = c.fcUpper();
      out.set(fc, k);
      return k + fc.length;
    }
    case 'fcd_triu': {
      const distant = c.fcdDistant();
      out.set(distant, k);
      return k + fcdPairCount(nWindows, c.spec.fcd!.window);
    }
    default: {
      const stat = kind.slice('region_'.length) as RegionStatistic;
      regionStatistic(c.series, stat, out, k);
      return k + c.plan.nRegions;
    }
  }
}
