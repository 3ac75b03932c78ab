/**
 * What `hpcinv train` and `hpcinv infer` do, kept out of the CLI files (which only parse and print).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { FlowOptions } from '../flow/config.js';
import type { BackendName } from '../flow/runtime.js';
import { priorFromSpec } from '../prior/index.js';
import { writeArrow } from '../store/arrow.js';
import { RunDir } from '../store/run-dir.js';
import { loadTrainingData } from './dataset.js';
import { loadPosterior, POSTERIOR_JSON, savePosterior } from './model-files.js';
import { checkThetaInPrior } from './npe.js';
import { readObserved } from './observed.js';
import { trainInWorker } from './train.js';
import type { EpochProgress, TrainOptions } from './train-loop.js';

export interface TrainCommandOptions extends TrainOptions {
  flow?: FlowOptions;
  out?: string;
}

export async function trainRun(runPath: string, opts: TrainCommandOptions, onEpoch?: (p: EpochProgress) => void) {
  const run = new RunDir(runPath);
  const data = loadTrainingData(run);
  const prior = priorFromSpec(data.parameters);
  checkThetaInPrior(data.theta, prior);
  const { out, ...trainOptions } = opts;
  const trained = await trainInWorker(data.theta, data.parameters.length, data.x, data.featureNames.length, trainOptions, onEpoch);
  const dir = out ?? join(run.root, 'model');
  savePosterior(dir, trained, {
    parameters: data.parameters,
    featureNames: data.featureNames,
    provenance: { run: run.root, dataset: run.dataset, rows: data.rows, notOkRows: data.notOk, trainedAt: new Date().toISOString() },
  });
  return {
    model: dir,
    flow: trained.config.kind,
    simulations: data.rows,
    skippedNotOk: data.notOk,
    droppedNonFinite: trained.droppedRows,
    epochs: trained.epochs,
    bestEpoch: trained.bestEpoch,
    bestValidationLoss: trained.bestValidationLoss,
    seconds: trained.seconds,
    backend: trained.backend,
  };
}

/** The model directory for a run directory or a model directory. */
export function modelDir(path: string): string {
  if (existsSync(join(path, POSTERIOR_JSON))) return path;
  const inRun = join(path, 'model');
  if (existsSync(join(inRun, POSTERIOR_JSON))) return inRun;
  throw new InputError(`no trained posterior in ${path} or ${inRun} — fix: run \`hpcinv train ${path}\` first`);
}

export interface InferOptions {
  observed: string;
  samples: number;
  seed: number;
  map: boolean;
  out?: string;
  backend?: BackendName | 'auto';
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

export async function inferRun(path: string, opts: InferOptions) {
  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new InputError(`--samples must be a positive integer (got ${opts.samples}) — fix: e.g. --samples 10000`);
  const dir = modelDir(path);
  const { posterior, file } = await loadPosterior(dir, opts.backend);
  try {
    const x = readObserved(opts.observed, file.featureNames);
    const t0 = performance.now();
    const { samples, acceptance } = await posterior.sample(opts.samples, x, { seed: opts.seed });
    const seconds = (performance.now() - t0) / 1000;
    const d = file.thetaNames.length;
    const n = opts.samples;
    const summary = file.thetaNames.map((name, j) => {
      const col = Array.from({ length: n }, (_, i) => samples[i * d + j]!);
      const mean = col.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
      col.sort((a, b) => a - b);
      return { parameter: name, mean, sd, q05: quantile(col, 0.05), median: quantile(col, 0.5), q95: quantile(col, 0.95) };
    });
    const map = opts.map ? await posterior.map(x, { seed: opts.seed }) : undefined;
    const outPath = opts.out ?? join(dir, '..', 'posterior_samples.arrow');
    const columns = file.thetaNames.map((_, j) => Float64Array.from({ length: n }, (_, i) => samples[i * d + j]!));
    writeArrow(outPath, { names: ['draw', ...file.thetaNames], columns: [Int32Array.from({ length: n }, (_, i) => i), ...columns] });
    return {
      model: dir,
      samplesFile: outPath,
      samples: n,
      acceptance,
      seconds,
      backend: posterior.backend,
      summary,
      ...(map ? { map: Object.fromEntries(file.thetaNames.map((nm, j) => [nm, map.theta[j]!])) } : {}),
    };
  } finally {
    await posterior.release();
  }
}
