/**
 * Seconds per simulation for `hpcinv plan`, measured so that fixed costs do not get multiplied up: one
 * simulator batch of the first θ rows is run for a short duration (warm-up: V8 compiles the loops), then
 * timed at that duration and at twice it. The difference is the cost of the extra steps alone, which is
 * scaled to the experiment's duration; the remainder (per-simulation setup) is added once. Scaling the
 * first, cold, short run directly overestimated a 60-s simulation about 3× here.
 */
import { performance } from 'node:perf_hooks';
import type { Experiment } from '../experiment/schema.js';
import { column, type ColumnTable } from '../store/arrow.js';
import { createEngine } from '../task/engine.js';
import { sampleSeed } from '../task/seeds.js';

export async function secondsPerSimulation(exp: Experiment, theta: ColumnTable, experimentFile?: string): Promise<number> {
  const names = theta.names.filter((n) => n !== 'sample');
  const steps = exp.duration / exp.integrator.dt;
  const short = exp.duration * Math.min(0.5, Math.max(0.01, 10_000 / steps));
  const b = Math.min(exp.sweep.batchSize, theta.columns[0]!.length);
  const rows = new Float64Array(b * names.length);
  names.forEach((name, j) => {
    const col = column(theta, name) as Float64Array;
    for (let i = 0; i < b; i++) rows[i * names.length + j] = col[i]!;
  });
  const seeds = Array.from({ length: b }, (_, i) => sampleSeed(exp.simulations.seed, i));
  const timed = async (duration: number, repeat: number): Promise<number> => {
    const engine = await createEngine(exp, names, { duration, experimentFile, features: false });
    let best = Infinity;
    for (let k = 0; k < repeat; k++) {
      const t0 = performance.now();
      engine.run(rows, seeds);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return best;
  };
  await timed(short, 1); // warm-up
  const t1 = await timed(short, 2);
  const t2 = await timed(2 * short, 1);
  const perUnit = Math.max(t2 - t1, t1 / 2) / short; // the extra `short` units of time; never below half the first
  const fixed = Math.max(0, t1 - perUnit * short);
  return (perUnit * exp.duration + fixed) / b;
}
