import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { RunDir } from '../store/run-dir.js';
import { readPlan } from '../store/plan-file.js';
import { assertCompatible } from '../store/compat.js';
import { column, encodeArrow, readArrow, type Column } from '../store/arrow.js';
import { writeChunkOutput } from '../store/done-marker.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import { createEngine, type Engine } from './engine.js';
import { sampleSeed } from './seeds.js';
import { injectFault } from './fault.js';
import { version } from '../version.js';
import { InputError } from '../errors.js';

export interface TaskOptions {
  runDir: string;
  chunks: number[];
  attempt: number;
  jobId?: string;
}

export interface TaskChunkResult {
  chunk: number;
  rows: number;
  diverged: number;
  computeSeconds: number;
}

/**
 * `hpcinv task`: the one code path that turns a chunk's θ rows into its output, on every backend.
 * Reads the frozen experiment and θ, simulates in batches (noise seed per sample from the experiment seed
 * and the sample index only), computes the features, and writes the chunk's Arrow file then its
 * done-marker, each atomically. A diverging simulation gives NaN features and status `diverged` for its
 * sample; the chunk still completes.
 */
export async function runTask(opts: TaskOptions): Promise<TaskChunkResult[]> {
  const tStart = performance.now();
  const run = new RunDir(opts.runDir);
  const plan = readPlan(run);
  assertCompatible(plan.version, version, run.root);
  const exp = loadFrozenExperiment(run);
  const jobId = opts.jobId ?? process.env.HPCINV_JOB_ID ?? slurmJobId() ?? `local-${process.pid}`;
  const host = hostname();
  const theta = readArrow(run.theta);
  const sample = column(theta, 'sample') as Int32Array;
  const paramNames = theta.names.filter((n) => n !== 'sample');
  const paramCols = paramNames.map((n) => column(theta, n) as Float64Array);
  const engine = await createEngine(exp, paramNames, { experimentFile: run.experiment });
  // Setup (reading files, preparing the connectome) is charged to the first chunk of this process.
  let charged = performance.now() - tStart;
  const results: TaskChunkResult[] = [];
  for (const id of opts.chunks) {
    const c = plan.chunks.find((x) => x.id === id);
    if (!c) throw new InputError(`chunk ${id} is not in ${run.plan} (chunks 0–${plan.chunks.length - 1}) — fix: pass a chunk id from the plan`);
    const t0 = performance.now();
    const out = simulateChunk(engine, exp.simulations.seed, c.start, c.end, sample, paramCols, exp.sweep.batchSize, id, opts.attempt);
    const n = c.end - c.start;
    const provenance: [string, Column][] = [
      ['chunk', new Int32Array(n).fill(id)],
      ['attempt', new Int32Array(n).fill(opts.attempt)],
      ['job_id', new Array<string>(n).fill(jobId)],
      ['host', new Array<string>(n).fill(host)],
      ['wall_s', out.wall],
      ['status', out.status],
    ];
    const names = ['sample', ...paramNames, ...out.names, ...provenance.map((p) => p[0])];
    const columns: Column[] = [
      sample.slice(c.start, c.end),
      ...paramCols.map((col) => col.slice(c.start, c.end)),
      ...out.features,
      ...provenance.map((p) => p[1]),
    ];
    const bytes = encodeArrow({ names, columns });
    const computeSeconds = (performance.now() - t0 + charged) / 1000;
    charged = 0;
    const diverged = out.status.filter((s) => s !== 'ok').length;
    writeChunkOutput(run, id, bytes, { chunk: id, attempt: opts.attempt, jobId, host, rows: n, computeSeconds, diverged, version, finished: new Date().toISOString() });
    results.push({ chunk: id, rows: n, diverged, computeSeconds });
  }
  return results;
}

function simulateChunk(
  engine: Engine,
  seed: number,
  start: number,
  end: number,
  sample: Int32Array,
  paramCols: Float64Array[],
  batchSize: number,
  chunk: number,
  attempt: number,
): { names: string[]; features: Float64Array[]; status: string[]; wall: Float64Array } {
  const n = end - start;
  const d = paramCols.length;
  let names: string[] = [];
  let features: Float64Array[] = [];
  const status = new Array<string>(n);
  const wall = new Float64Array(n);
  for (let b = start; b < end; b += batchSize) {
    const e = Math.min(end, b + batchSize);
    const theta = new Float64Array((e - b) * d);
    const seeds: number[] = [];
    for (let i = b; i < e; i++) {
      for (let j = 0; j < d; j++) theta[(i - b) * d + j] = paramCols[j][i];
      seeds.push(sampleSeed(seed, sample[i]));
    }
    const t0 = performance.now();
    const res = engine.run(theta, seeds);
    // Simulations of one batch run together: each is charged an equal share of the batch's time.
    const share = (performance.now() - t0) / 1000 / (e - b);
    if (b === start) {
      names = res.names;
      features = names.map(() => new Float64Array(n));
    }
    for (let i = b; i < e; i++) {
      const r = i - b;
      status[i - start] = res.status[r];
      wall[i - start] = share;
      for (let f = 0; f < features.length; f++) features[f][i - start] = res.features[r * features.length + f];
    }
    injectFault(chunk, attempt);
  }
  return { names, features, status, wall };
}

function slurmJobId(): string | undefined {
  const { SLURM_ARRAY_JOB_ID: a, SLURM_ARRAY_TASK_ID: t, SLURM_JOB_ID: j } = process.env;
  return a && t ? `${a}_${t}` : j;
}
