import type { Connectome } from '../connectome/connectome.js';
import type { SimulationResult } from '../simulator/index.js';
import type { Experiment } from '../experiment/schema.js';
import { computeFeatures, type FeatureContext } from '../features/registry.js';
import { selectSource } from '../features/source.js';
import { pairingFromLabels } from '../features/pairing.js';

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
