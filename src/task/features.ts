import type { Connectome } from '../connectome/connectome.js';
import type { SimulationResult } from '../simulator/index.js';
import type { Experiment } from '../experiment/schema.js';
import { computeFeatures, type FeatureContext } from '../features/registry.js';
import { selectSource } from '../features/source.js';
import { pairingFromLabels } from '../features/pairing.js';

/** The sampling period of the series the features read, in ms (only a transient given in ms needs it). */
export function sourcePeriodMs(exp: Experiment): number {
  const m = exp.monitors;
  switch (exp.features.source.monitor) {
    case 'balloon':
      return m.balloon!.trMs;
    case 'bold':
      return m.bold!.periodMs;
    case 'tavg':
      return m.tavg!.period * exp.timeUnitMs;
    default:
      return exp.integrator.dt * (m.raw?.every ?? 1) * exp.timeUnitMs;
  }
}

/** Samples of that series in a full-length simulation after the monitors' transient (±1 where the transient cuts a window). */
export function sourceSampleCount(exp: Experiment): number {
  return Math.max(0, Math.floor(((exp.duration - exp.monitors.transient) * exp.timeUnitMs) / sourcePeriodMs(exp) + 1e-9));
}

export interface FeatureExtractor {
  /** Feature names and values of one simulation; a diverged (non-finite) series gives all-NaN values. */
  compute(res: SimulationResult): { names: string[]; values: Float64Array };
}

/**
 * The experiment's `features` section applied to a simulation's monitor outputs (the series named by
 * `features.source`). With `regionPairing: connectome` the hemispheres come from the region labels.
 */
export function featureExtractor(exp: Experiment, connectome: Connectome): FeatureExtractor {
  const spec = exp.features;
  let context: FeatureContext | undefined;
  return {
    compute(res) {
      context ??= spec.regionPairing === 'connectome' ? { pairing: pairingFromLabels(connectome.labels) } : {};
      const r = computeFeatures(selectSource(res, spec.source), spec, context);
      return { names: r.names, values: r.values };
    },
  };
}
