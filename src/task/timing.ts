/**
 * Seconds per simulation of an experiment on this machine: the one estimate behind chunk sizing
 * (`submit`), `hpcinv plan` and `submit`'s cost check.
 *
 * One simulator batch of the first θ rows is timed at a short duration (about 10,000 steps) and at a
 * longer one, after a warm-up run at each (V8 and the wasm tiers compile the loops, buffers are
 * touched), each the best of three runs interleaved so a burst of load hits both alike. The difference
 * is the cost of the extra steps alone, scaled to the experiment's duration; the remainder (per-run
 * setup) is added once. Scaling one cold, shortened run directly — what chunk sizing did before —
 * multiplied compilation and setup up with the duration and overestimated 2–3.5×.
 *
 * Time is the process's CPU time, not wall time: a core-hour counts CPU, and the planner often runs
 * while other work competes for the cores (wall time then reads whatever share the process got).
 * The timed runs simulate only (a shortened run is too short for FCD windows); the features are timed
 * once on a full-length series of noise, since their cost depends on its shape, not its values. With
 * FCD on a long series they can be a quarter of a simulation's cost or more.
 */
import { InputError } from '../errors.js';
import { connectomeOf } from '../experiment/simulation.js';
import type { Experiment } from '../experiment/schema.js';
import { createRandom, type SimulationResult } from '../simulator/index.js';
import { column, type ColumnTable } from '../store/arrow.js';
import type { TimeSeries } from '../timeseries.js';
import { createEngine } from './engine.js';
import { featureExtractor, sourcePeriodMs, sourceSampleCount } from './features.js';
import { sampleSeed } from './seeds.js';

/** CPU seconds this process has used (user + system). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The short duration timed: about 10,000 integration steps, between 1 % and half of the run. */
export function shortDuration(duration: number, dt: number): number {
  return duration * Math.min(0.5, Math.max(0.01, 10_000 / (duration / dt)));
}

export interface TwoDurationTiming {
  /** The experiment's duration (model units). */
  duration: number;
  /** The two durations timed (model units), short < long ≤ duration. */
  short: number;
  long: number;
  /** Seconds of one batch run at `short` and at `long`. */
  tShort: number;
  tLong: number;
  /** Simulations in the batch. */
  batch: number;
}

/**
 * The arithmetic: the per-unit cost is the difference of the two timings over the difference of the
 * durations, the setup is what the short run took beyond its steps; both scaled to one simulation.
 */
export function extrapolateTiming(t: TwoDurationTiming): number {
  const perUnit = Math.max(0, t.tLong - t.tShort) / (t.long - t.short);
  const setup = Math.max(0, t.tShort - perUnit * t.short);
  return (perUnit * t.duration + setup) / t.batch;
}

/**
 * The difference is trusted once the extra steps cost at least half of the whole short run: run-to-run
 * noise scales with the run, so a smaller difference is mostly noise (and a large setup would be
 * multiplied up with the duration as if it were steps).
 */
function resolved(t: TwoDurationTiming): boolean {
  return t.long >= t.duration || t.tLong - t.tShort >= t.tShort / 2;
}

/**
 * The measurement procedure, given a function that times one batch run at a duration (seconds): a
 * warm-up run at each duration, then short and long interleaved three times, keeping each one's best.
 * The long duration starts at twice the short one and grows fourfold (up to the full duration, which
 * is then measured directly) until the difference is resolved.
 */
export async function measureTwoDurations(timeRun: (duration: number) => Promise<number>, duration: number, short: number, batch: number): Promise<TwoDurationTiming> {
  await timeRun(short);
  let tShort = Infinity;
  for (let long = Math.min(duration, 2 * short); ; long = Math.min(duration, 4 * long)) {
    await timeRun(long);
    let tLong = Infinity;
    for (let k = 0; k < 3; k++) {
      tShort = Math.min(tShort, await timeRun(short));
      tLong = Math.min(tLong, await timeRun(long));
    }
    const t = { duration, short, long, tShort, tLong, batch };
    if (resolved(t)) return t;
  }
}

/** Seconds per simulation of `exp` at its full duration, measured here on the first θ rows. */
export async function timeSimulations(exp: Experiment, theta: ColumnTable, experimentFile?: string): Promise<number> {
  const names = theta.names.filter((n) => n !== 'sample');
  const b = Math.min(exp.sweep.batchSize, theta.columns[0]!.length);
  const rows = new Float64Array(b * names.length);
  names.forEach((name, j) => {
    const col = column(theta, name) as Float64Array;
    for (let i = 0; i < b; i++) rows[i * names.length + j] = col[i]!;
  });
  const seeds = Array.from({ length: b }, (_, i) => sampleSeed(exp.simulations.seed, i));
  const engines = new Map<number, Awaited<ReturnType<typeof createEngine>>>();
  const timeRun = async (duration: number): Promise<number> => {
    if (!engines.has(duration)) engines.set(duration, await createEngine(exp, names, { duration, experimentFile, features: false }));
    const engine = engines.get(duration)!;
    const t0 = cpuSeconds();
    engine.run(rows, seeds);
    return cpuSeconds() - t0;
  };
  const short = shortDuration(exp.duration, exp.integrator.dt);
  return extrapolateTiming(await measureTwoDurations(timeRun, exp.duration, short, b)) + timeFeatures(exp, experimentFile);
}

/** The longest series the features are timed on; FC cost grows linearly with its length, FCD's up to quadratically. */
const MAX_TIMED_SAMPLES = 2048;

/**
 * CPU seconds of one simulation's features at full length, on noise of its shape: best of three after a
 * warm-up. A series longer than MAX_TIMED_SAMPLES is timed at that length and half of it, and the cost
 * a·T + b·T² through both points (a, b ≥ 0) is extrapolated, so the planner stays quick for long runs.
 */
function timeFeatures(exp: Experiment, experimentFile?: string): number {
  const connectome = connectomeOf(exp, experimentFile);
  const extract = featureExtractor(exp, connectome);
  const [start, period] = [exp.monitors.transient * exp.timeUnitMs, sourcePeriodMs(exp)];
  const monitor = exp.features.source.monitor;
  const timeAt = (nTime: number): number => {
    const data = new Float64Array(nTime * connectome.n);
    createRandom('fast', 1).fillNormal(data, 0, data.length);
    const series: TimeSeries = { data, nTime, nRegions: connectome.n, time: Float64Array.from({ length: nTime }, (_, t) => start + (t + 1) * period) };
    const recorded: SimulationResult = monitor === 'balloon' ? { diverged: false, balloon: series } : { diverged: false, [monitor]: { r: series, V: series } };
    let best = Infinity;
    for (let k = 0; k < 4; k++) {
      const t0 = cpuSeconds();
      extract.compute(recorded);
      if (k > 0) best = Math.min(best, cpuSeconds() - t0);
    }
    return best;
  };
  const nTime = sourceSampleCount(exp);
  if (nTime <= MAX_TIMED_SAMPLES) return timeAt(nTime);
  const [n1, n2] = [MAX_TIMED_SAMPLES / 2, MAX_TIMED_SAMPLES];
  const t2 = timeAt(n2);
  let t1: number | undefined;
  try {
    t1 = timeAt(n1);
  } catch (e) {
    // FCD windows longer than the shorter series (an InputError of the features): scale the longer timing quadratically.
    if (!(e instanceof InputError)) throw e;
  }
  return extrapolateFeatureCost(nTime, { n: n2, seconds: t2 }, t1 === undefined ? undefined : { n: n1, seconds: t1 });
}

/**
 * The cost a·T + b·T² (a, b ≥ 0) through a timing at `long.n` samples and one at `short.n`, at `nTime`
 * samples; without the shorter timing, all quadratic (the upper bound).
 */
export function extrapolateFeatureCost(nTime: number, long: { n: number; seconds: number }, short?: { n: number; seconds: number }): number {
  if (!short) return long.seconds * (nTime / long.n) ** 2;
  const b = Math.max(0, (long.seconds / long.n - short.seconds / short.n) / (long.n - short.n));
  const a = Math.max(0, short.seconds / short.n - b * short.n);
  return a * nTime + b * nTime * nTime;
}
