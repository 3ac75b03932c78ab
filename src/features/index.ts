/**
 * Data features for simulation-based inference, computed from one monitor's time series
 * (`TimeSeries`, nTime × nRegions). Definitions follow tvb-inversion's `compute_summary_statistics`
 * exactly where it defines them; docs/features.md gives every formula and every choice.
 *
 * Experiment file (`features` section, validated by `featuresSchema`):
 *   features:
 *     source: { monitor: balloon, variable: r }
 *     transient: { samples: 0 }            # or { ms: 20000 }
 *     fcd: { window: 15, step: 1 }         # samples; needed by fcd_* kinds
 *     regionPairing: halves                # or connectome
 *     compute: [fc_sum, fcd_sum, homotopic_fc]
 *
 * Library:
 *   const names = featureNames(spec, { nTime, nRegions, samplePeriodMs }, context);  // before simulating
 *   const extractor = createFeatureExtractor(spec, { nTime, nRegions, samplePeriodMs }, context);
 *   const series = selectSource(simulationResult, spec.source);
 *   const { values, nonFinite } = extractor.compute(series);   // or computeFeatures(series, spec, context)
 *   context = { pairing }: for regionPairing connectome, e.g. pairingFromLabels(connectome.labels).
 *
 * Kinds: fc_sum, homotopic_fc, fcd_sum, fcd_var, fcd_var_ov, fcd_inter_var_ov, fcd_stack_std_inter,
 * fcd_diff_var_inter (scalars); fc_triu (fc_triu_i_j), fcd_triu (fcd_triu_a_b, b − a ≥ window),
 * region_mean/std/median/skew/kurtosis (region_<stat>_i).
 * A series containing NaN/±Infinity (diverged simulation) yields all-NaN values with `nonFinite` set.
 *
 * Building blocks: fcUpperTriangle, fcSum, homotopicFc, windowedFcStack, fcdDistantPairs, fcdSum,
 * fcdVariance, fcdVarianceWithZeros, interHemisphericStack, interStackStd, fcdInterDistantPairs,
 * regionStatistic, removeTransient, halvesPairing, pairingFromLabels.
 */
export {
  computeFeatures,
  createFeatureExtractor,
  featureNames,
  type FeatureContext,
  type FeatureExtractor,
  type FeatureResult,
  type SeriesShape,
} from './registry.js';
export { featuresSchema, featureSourceSchema, fcdSpecSchema, transientSchema, MONITORS, type FeaturesSpec, type FeatureSource } from './schema.js';
export { FEATURE_KINDS, SCALAR_KINDS, VECTOR_KINDS, type FeatureKind } from './kinds.js';
export { selectSource, type RecordedSeries } from './source.js';
export { halvesPairing, pairingFromLabels, checkPairing, type RegionPairing } from './pairing.js';
export { removeTransient, transientSampleCount, type Transient } from './transient.js';
export { fcUpperTriangle, fcSum, homotopicFc, clipNegative } from './fc.js';
export {
  windowCount,
  fcdPairCount,
  windowedFcStack,
  fcdDistantPairs,
  fcdSum,
  fcdVariance,
  fcdVarianceWithZeros,
  interHemisphericPairs,
  interHemisphericStack,
  interStackStd,
  fcdInterDistantPairs,
} from './fcd.js';
export { regionStatistic, type RegionStatistic } from './region-stats.js';
export { pairCount, pairIndex, RegionCorrelator } from './correlation.js';
