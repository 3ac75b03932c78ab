#!/usr/bin/env node
// Sweep benchmark (prints ONE JSON document on stdout):
//  1. deliverable: simulations/hour of the whole local sweep (real `hpcinv task` processes, 2 workers)
//     for the deliverable's case — the starter experiment: 68 regions, 60 s BOLD, FC + FCD — and, as
//     the baseline measured in the same run, the same simulations in this process one after another
//     (engine only: no processes, no files). Ratio = sweep throughput / (workers × in-process
//     throughput) = parallel efficiency of the whole machinery.
//  2. overhead: 1000 tiny chunks (one 1-unit simulation on 68 regions each): wall − Σ task wall /
//     workers, as a fraction of wall. Task wall is spawn-to-exit of each `hpcinv task` process (Node
//     start-up included: that is the task's cost); compute is what the task measures itself.
// Knobs (env): SWEEP_BENCH_SIMS (default 8), SWEEP_BENCH_CHUNKS (default 1000), SWEEP_BENCH_WORKERS (default 2).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRun } from '../../dist/experiment/create-run.js';
import { ensurePlan } from '../../dist/jobs/make-plan.js';
import { runSweep } from '../../dist/jobs/lifecycle.js';
import { LocalBackend } from '../../dist/jobs/local/local-backend.js';
import { loadFrozenExperiment } from '../../dist/experiment/load.js';
import { createEngine } from '../../dist/task/engine.js';
import { sampleSeed } from '../../dist/task/seeds.js';
import { readArrow, column } from '../../dist/store/arrow.js';
import { RunDir } from '../../dist/store/run-dir.js';
import { starterPath } from '../../dist/experiment/starter.js';

const sims = Number(process.env.SWEEP_BENCH_SIMS ?? 8);
const chunks = Number(process.env.SWEEP_BENCH_CHUNKS ?? 1000);
const workers = Number(process.env.SWEEP_BENCH_WORKERS ?? 2);
const root = mkdtempSync(join(tmpdir(), 'hpcinv-bench-sweep-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function sweep(expText, name, chunkSize) {
  const expPath = join(root, `${name}.yaml`);
  writeFileSync(expPath, expText);
  const run = new RunDir(join(root, name));
  createRun(expPath, run.root);
  const exp = loadFrozenExperiment(run);
  await ensurePlan(run, exp, { chunkSize, workers });
  const backend = new LocalBackend({ concurrency: workers });
  const t0 = performance.now();
  const result = await runSweep(run.root, { backend, maxAttempts: 1, initialPollMs: 50 });
  const wall = (performance.now() - t0) / 1000;
  await backend.close();
  if (result.failed.length) throw new Error(`bench sweep ${name}: ${result.failed.length} chunks failed`);
  const plan = JSON.parse(readFileSync(run.plan, 'utf8'));
  const markers = plan.chunks.map((c) => JSON.parse(readFileSync(run.doneMarker(c.id), 'utf8')));
  const taskWall = [...backend.taskWallMs.values()].map((ms) => ms / 1000);
  return { run, exp, wall, taskWall, compute: markers.map((m) => m.computeSeconds), diverged: markers.reduce((s, m) => s + m.diverged, 0) };
}

// 1. The deliverable's case.
const starter = readFileSync(starterPath(), 'utf8').replace(/count: 1000 /, `count: ${sims} `);
const load0 = loadavg()[0];
const d = await sweep(starter, 'deliverable', Math.max(1, Math.ceil(sims / workers / 2)));
const theta = readArrow(d.run.theta);
const names = theta.names.filter((n) => n !== 'sample');
const engine = await createEngine(d.exp, names, { experimentFile: d.run.experiment });
const perSim = [];
for (let i = 0; i < Math.min(sims, 4); i++) {
  const row = Float64Array.from(names, (n) => column(theta, n)[i]);
  const t0 = performance.now();
  engine.run(row, [sampleSeed(d.exp.simulations.seed, i)]);
  perSim.push((performance.now() - t0) / 1000);
}
const sweepPerHour = (sims / d.wall) * 3600;
const inProcessPerHour = 3600 / median(perSim);

// 2. Orchestration overhead on tiny chunks.
const tiny = readFileSync(starterPath(), 'utf8')
  .replace(/count: 1000 /, `count: ${chunks} `)
  .replace(/^duration: .*$/m, 'duration: 1')
  .replace(/  balloon:\n    trMs: 2000.*\n/, '')
  .replace(/source: \{ monitor: balloon \}/, 'source: { monitor: tavg, variable: r }')
  .replace(/compute: \[fc_sum, fcd_sum, homotopic_fc\]/, 'compute: [fc_sum, region_mean]')
  .replace(/  fcd: \{ window: 5, step: 1 \}.*\n/, '');
const o = await sweep(tiny, 'overhead', 1);
const sumTask = o.taskWall.reduce((s, x) => s + x, 0);
const sumCompute = o.compute.reduce((s, x) => s + x, 0);
const ideal = sumTask / workers;
const load1 = loadavg()[0];
rmSync(root, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      workers,
      cores: availableParallelism(),
      loadAverage: { start: load0, end: load1 },
      deliverable: {
        case: 'starter experiment: connectivity_68, MPR, 60 s BOLD (6000 units, dt 0.01), FC/FCD features',
        simulations: sims,
        diverged: d.diverged,
        wallSeconds: d.wall,
        simulationsPerHour: sweepPerHour,
        baseline: { what: 'same simulations in-process, one after another', medianSecondsPerSimulation: median(perSim), simulationsPerHour: inProcessPerHour },
        parallelEfficiency: sweepPerHour / (workers * inProcessPerHour),
      },
      overhead: {
        chunks,
        wallSeconds: o.wall,
        sumTaskWallSeconds: sumTask,
        sumTaskComputeSeconds: sumCompute,
        medianTaskWallSeconds: median(o.taskWall),
        medianTaskComputeSeconds: median(o.compute),
        overheadSeconds: o.wall - ideal,
        overheadFraction: (o.wall - ideal) / o.wall,
        target: 0.05,
        processStartupShare: (sumTask - sumCompute) / sumTask,
      },
    },
    null,
    2,
  ),
);
