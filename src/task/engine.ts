import { prepareSimulation, simulateBatch, type SimulationResult } from '../simulator/index.js';
import { connectomeOf, simulationSpecOf, parameterSetOf } from '../experiment/simulation.js';
import { parseParameterPath, setParameter } from '../experiment/parameter-path.js';
import type { Experiment } from '../experiment/schema.js';
import { featureExtractor } from './features.js';

/** Per-sample outcome recorded in the `status` column. */
export type SampleStatus = 'ok' | 'diverged' | 'nonfinite-features';

/** Simulates batches of θ rows and turns each simulation into its feature vector. */
export interface Engine {
  /**
   * θ rows (b × d, row-major, columns = the run's parameter paths) → feature names, features
   * (b × names.length, row-major) and a status each.
   */
  run(theta: Float64Array, seeds: number[]): { names: string[]; features: Float64Array; status: SampleStatus[] };
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
  const extract = opts.features === false ? { compute: () => ({ names: [] as string[], values: new Float64Array(0) }) } : featureExtractor(exp, connectome);
  const d = paramPaths.length;
  return {
    run(theta, seeds) {
      const b = seeds.length;
      const sets = [];
      for (let i = 0; i < b; i++) {
        let section = exp as Parameters<typeof parameterSetOf>[0];
        for (let j = 0; j < d; j++) section = setParameter(section, paramPaths[j], theta[i * d + j], n);
        sets.push(parameterSetOf(section, n));
      }
      // Only the monitor the features read is kept: a 1 ms temporal average that merely drives the
      // Balloon model would otherwise hold ~66 MB per simulation-minute of 68 regions.
      const results: SimulationResult[] = simulateBatch(setup, sets, seeds, { maxBatch: exp.sweep.batchSize, keep: [exp.features.source.monitor] });
      // Every simulation of a run has the same output shape, so every result gives the same names;
      // a diverged one gives NaN values (the registry sees its non-finite series).
      const computed = results.map((res) => extract.compute(res));
      const names = computed[0].names;
      const nF = names.length;
      const features = new Float64Array(b * nF);
      const status: SampleStatus[] = [];
      computed.forEach(({ values }, i) => {
        let finite = true;
        for (let f = 0; f < nF; f++) {
          const v = results[i].diverged ? NaN : values[f];
          features[i * nF + f] = v;
          if (!Number.isFinite(v)) finite = false;
        }
        status.push(results[i].diverged ? 'diverged' : finite ? 'ok' : 'nonfinite-features');
      });
      return { names, features, status };
    },
  };
}
