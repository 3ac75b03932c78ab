import { prepareSimulation, simulateBatch, type SimulationResult } from '../simulator/index.js';
import { connectomeOf, simulationSpecOf, parameterSetOf } from '../experiment/simulation.js';
import { parseParameterPath, setParameter } from '../experiment/parameter-path.js';
import type { Experiment } from '../experiment/schema.js';
import { featureExtractor } from './features.js';

/** Per-sample outcome recorded in the `status` column. */
export type SampleStatus = 'ok' | 'diverged' | 'nonfinite-features';

/** Simulates batches of θ rows and turns each simulation into its feature vector. */
export interface Engine {
  featureNames: string[];
  /** θ rows (b × d, row-major, columns = the run's parameter paths) → features (b × nFeatures) and a status each. */
  run(theta: Float64Array, seeds: number[]): { features: Float64Array; status: SampleStatus[] };
}

export interface EngineOptions {
  /** Simulated duration instead of the experiment's (for the planner's quick timing). */
  duration?: number;
  /** false: simulate only (the planner's timing of a shortened run, too short for FCD windows). */
  features?: boolean;
  /** Directory of the (frozen) experiment file: relative connectome paths resolve against it. */
  experimentFile?: string;
}

/**
 * Binds the simulator (one setup per process: connectome, delays) and the feature extractor for the
 * run's parameter paths. A diverged simulation yields NaN features and status `diverged`, never an error.
 */
export async function createEngine(exp: Experiment, paramPaths: string[], opts: EngineOptions = {}): Promise<Engine> {
  paramPaths.forEach((p) => parseParameterPath(p));
  const connectome = connectomeOf(exp, opts.experimentFile);
  const spec = simulationSpecOf(exp, connectome);
  if (opts.duration !== undefined) spec.duration = opts.duration;
  const setup = prepareSimulation(spec);
  const n = connectome.n;
  const extract = opts.features === false ? { names: [] as string[], compute: () => new Float64Array(0) } : featureExtractor(exp, connectome, spec);
  const nF = extract.names.length;
  const d = paramPaths.length;
  return {
    featureNames: extract.names,
    run(theta, seeds) {
      const b = seeds.length;
      const sets = [];
      for (let i = 0; i < b; i++) {
        let section = exp as Parameters<typeof parameterSetOf>[0];
        for (let j = 0; j < d; j++) section = setParameter(section, paramPaths[j], theta[i * d + j], n);
        sets.push(parameterSetOf(section, n));
      }
      const results: SimulationResult[] = simulateBatch(setup, sets, seeds, { maxBatch: exp.sweep.batchSize });
      const features = new Float64Array(b * nF).fill(NaN);
      const status: SampleStatus[] = [];
      results.forEach((res, i) => {
        if (res.diverged) {
          status.push('diverged');
          return;
        }
        const values = extract.compute(res);
        let finite = true;
        for (let f = 0; f < nF; f++) {
          features[i * nF + f] = values[f];
          if (!Number.isFinite(values[f])) finite = false;
        }
        status.push(finite ? 'ok' : 'nonfinite-features');
      });
      return { features, status };
    },
  };
}
