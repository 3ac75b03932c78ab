import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { extrapolateFeatureCost, extrapolateTiming, measureTwoDurations, shortDuration } from '../../src/task/timing.js';
import { packageRoot } from '../../src/version.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

/**
 * The one per-simulation estimate (chunk sizing, `hpcinv plan`, submit's cost check): its procedure on
 * injected timings with known cost models, and the real estimate of both commands against the measured
 * CPU time of full-length simulations.
 */

/** A cost model: setup + perUnit · duration, the first run at each duration paying `cold` more. */
function costModel(setup: number, perUnit: number, cold: number, burst?: { call: number; seconds: number }) {
  const runs = new Map<number, number>();
  let calls = 0;
  const timeRun = async (d: number) => {
    const first = !runs.has(d);
    runs.set(d, (runs.get(d) ?? 0) + 1);
    calls++;
    return setup + perUnit * d + (first ? cold : 0) + (calls === burst?.call ? burst.seconds : 0);
  };
  return { timeRun, runs };
}

test('the arithmetic: a linear cost setup + perUnit·duration is recovered exactly from two timings', () => {
  // setup 0.3 s, 0.002 s per unit, batch of 4: t(50) = 0.4, t(100) = 0.5 → (0.002 · 2000 + 0.3) / 4 = 1.075.
  expect(extrapolateTiming({ duration: 2000, short: 50, long: 100, tShort: 0.4, tLong: 0.5, batch: 4 })).toBeCloseTo(1.075, 12);
  // Measured at the full duration itself, the estimate is that measurement: 0.9 s / 3.
  expect(extrapolateTiming({ duration: 400, short: 50, long: 400, tShort: 0.2, tLong: 0.9, batch: 3 })).toBeCloseTo(0.3, 12);
  // All setup (the long run no slower): the setup once, never a negative per-unit cost.
  expect(extrapolateTiming({ duration: 400, short: 50, long: 400, tShort: 0.5, tLong: 0.45, batch: 1 })).toBeCloseTo(0.5, 12);
});

test('features timed on a shorter series: a·T + b·T² through two timings is recovered exactly, never negative', () => {
  const cost = (a: number, b: number) => (T: number) => a * T + b * T * T;
  for (const [a, b] of [[2e-6, 3e-9], [5e-6, 0], [0, 1e-8]] as const) {
    const f = cost(a, b);
    expect(extrapolateFeatureCost(100_000, { n: 2048, seconds: f(2048) }, { n: 1024, seconds: f(1024) })).toBeCloseTo(f(100_000), 9);
  }
  // Noise that would make a or b negative clamps it at 0; a lone timing scales quadratically.
  expect(extrapolateFeatureCost(4096, { n: 2048, seconds: 1 }, { n: 1024, seconds: 0.9 })).toBeCloseTo((0.9 / 1024) * 4096, 12);
  expect(extrapolateFeatureCost(4096, { n: 2048, seconds: 1 })).toBe(4);
});

test('the short duration is about 10,000 steps, between 1 % and half of the run', () => {
  expect(shortDuration(6000, 0.01)).toBeCloseTo(100, 9); // 600,000 steps → 10,000
  expect(shortDuration(60000, 0.01)).toBeCloseTo(600, 9); // 6,000,000 steps → the 1 % floor (60,000 steps)
  expect(shortDuration(100, 0.01)).toBeCloseTo(50, 9); // 10,000 steps in all → half
});

test('the procedure: cold first runs and a burst of load do not enter the estimate', async () => {
  // 0.01 s setup + 0.001 s per unit; 0.5 s of compilation on each duration's first run; a 1 s burst on
  // call 5 (the second timed short run).
  const m = costModel(0.01, 0.001, 0.5, { call: 5, seconds: 1 });
  const t = await measureTwoDurations(m.timeRun, 1000, 20, 2);
  // The difference 0.02 s ≥ half of t(20) = 0.015 s: resolved at twice the short duration.
  expect(t).toEqual({ duration: 1000, short: 20, long: 40, tShort: 0.01 + 0.02, tLong: 0.01 + 0.04, batch: 2 });
  expect(extrapolateTiming(t)).toBeCloseTo((0.001 * 1000 + 0.01) / 2, 12);
  expect([...m.runs.entries()]).toEqual([
    [20, 4],
    [40, 4],
  ]);
});

test('a setup that dwarfs the short run is not multiplied up: the long duration grows until the difference is resolved', async () => {
  // 2 s setup + 0.001 s per unit (a shortened run is nearly all setup). Doubling resolves nothing
  // (0.02 s against t(20) = 2.02 s), nor do 160 and 640 units; at the full 1000 units the run is timed
  // directly. The estimate is the true (0.001 · 1000 + 2) / 4 = 0.75 s per simulation; scaling t(20) by
  // the duration would read 25 s, and a per-unit cost floored at half of t(20) 12.9 s.
  const m = costModel(2, 0.001, 0.3);
  const t = await measureTwoDurations(m.timeRun, 1000, 20, 4);
  expect(t.long).toBe(1000);
  expect([...m.runs.keys()]).toEqual([20, 40, 160, 640, 1000]);
  expect(extrapolateTiming(t)).toBeCloseTo(0.75, 12);
});

/**
 * Real simulations, as the commands run them (child processes from the build; jest's module sandbox
 * runs the simulator several times slower, with a large per-run setup, so it would not measure what
 * users get). Truth: the CPU time of full-length runs with features — what a task does — best of three
 * after a warm-up.
 */
test('`hpcinv plan` and chunk sizing (`submit --dry-run`) both estimate within a factor 1.6 of the measured full-length CPU time', () => {
  const main = join(packageRoot, 'dist', 'cli', 'main.js');
  const dir = tempDir('timing');
  // 100,000 steps on 68 regions, FC and FCD, batches of 4. The method chunk sizing used before (the wall
  // time of one cold 20,000-step run, scaled by 5) read 4.4–5.9× the truth here at a load average of 9.
  const exp = resolve(smallExperiment(dir, { duration: 1000, batchSize: 4, count: 8, compute: ['fc_sum', 'fcd_sum'], targetTaskMinutes: 0.1 }));
  const truthScript = `
    const [{ loadExperimentFile }, { drawTheta }, { createEngine }, { sampleSeed }, { cpuSeconds }] = await Promise.all(
      ['experiment/load.js', 'experiment/theta.js', 'task/engine.js', 'task/seeds.js', 'task/timing.js'].map((m) => import(${JSON.stringify(join(packageRoot, 'dist'))} + '/' + m)));
    const exp = loadExperimentFile(${JSON.stringify(exp)});
    const theta = drawTheta(exp);
    const engine = await createEngine(exp, theta.names, { experimentFile: ${JSON.stringify(exp)} });
    const rows = theta.columns[0].slice(0, 4);
    const seeds = [0, 1, 2, 3].map((i) => sampleSeed(exp.simulations.seed, i));
    engine.run(rows, seeds);
    let best = Infinity;
    for (let k = 0; k < 3; k++) { const t0 = cpuSeconds(); engine.run(rows, seeds); best = Math.min(best, (cpuSeconds() - t0) / 4); }
    console.log(best);`;
  const truthRun = spawnSync(process.execPath, ['--input-type=module', '-e', truthScript], { encoding: 'utf8' });
  expect(truthRun.stderr).toBe('');
  const truth = Number(truthRun.stdout);
  expect(truth).toBeGreaterThan(0);

  const plan = spawnSync(process.execPath, [main, 'plan', exp, '--json'], { encoding: 'utf8' });
  expect(plan.status).toBe(0);
  const planned = JSON.parse(plan.stdout).secondsPerSimulation as number;

  const run = join(dir, 'run');
  expect(spawnSync(process.execPath, [main, 'sample', exp, run], { encoding: 'utf8' }).status).toBe(0);
  const dry = spawnSync(process.execPath, [main, 'submit', run, '--dry-run', '--concurrency', '1'], { encoding: 'utf8' });
  expect(dry.status).toBe(0);
  const sized = Number(/\(timing, ([\d.]+) s\/simulation\)/.exec(dry.stdout)?.[1]);

  for (const estimate of [planned, sized]) {
    expect(estimate / truth).toBeGreaterThan(1 / 1.6);
    expect(estimate / truth).toBeLessThan(1.6);
  }
}, 120_000);
