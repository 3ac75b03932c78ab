import { performance } from 'node:perf_hooks';
import type { Experiment } from '../experiment/schema.js';
import { column, type ColumnTable } from '../store/arrow.js';
import { createEngine } from './engine.js';
import { sampleSeed } from './seeds.js';

/**
 * Seconds per simulation for chunk sizing: simulate one batch of the first θ rows for a shortened
 * duration (20,000 steps or 2% of the run, whichever is longer) and scale linearly with the duration —
 * the integration loop dominates and its cost is proportional to the step count. Features are left out
 * (a shortened run is too short for FCD windows), which makes the estimate slightly low.
 */
export async function timeSimulations(exp: Experiment, theta: ColumnTable, experimentFile?: string): Promise<number> {
  const names = theta.names.filter((n) => n !== 'sample');
  const steps = exp.duration / exp.integrator.dt;
  const fraction = Math.min(1, Math.max(0.02, 20_000 / steps));
  const duration = exp.duration * fraction;
  const engine = await createEngine(exp, names, { duration, experimentFile, features: false });
  const b = Math.min(exp.sweep.batchSize, theta.columns[0].length);
  const rows = new Float64Array(b * names.length);
  names.forEach((name, j) => {
    const col = column(theta, name) as Float64Array;
    for (let i = 0; i < b; i++) rows[i * names.length + j] = col[i];
  });
  const seeds = Array.from({ length: b }, (_, i) => sampleSeed(exp.simulations.seed, i));
  const t0 = performance.now();
  engine.run(rows, seeds);
  return (performance.now() - t0) / 1000 / b / fraction;
}
