/**
 * Reads a run's training data: θ columns (the experiment's parameters, in order) and feature columns
 * from dataset.arrow, and the prior from the frozen experiment. Samples whose simulation did not end
 * with status `ok` are left out (their features are NaN).
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import type { ParameterSpec } from '../prior/index.js';
import { readArrow } from '../store/arrow.js';
import type { RunDir } from '../store/run-dir.js';

/** Columns every chunk output carries besides θ and the features (see src/task/run-task.ts). */
export const NON_FEATURE_COLUMNS = new Set(['sample', 'chunk', 'attempt', 'job_id', 'host', 'wall_s', 'status']);

export interface TrainingData {
  theta: Float64Array;
  x: Float64Array;
  parameters: ParameterSpec[];
  featureNames: string[];
  rows: number;
  /** Samples left out because their status was not `ok`. */
  notOk: number;
}

export function loadTrainingData(run: RunDir): TrainingData {
  if (!existsSync(run.dataset)) throw new InputError(`${run.dataset} does not exist — fix: run \`hpcinv gather ${run.root}\` once every chunk is done`);
  const exp = loadFrozenExperiment(run);
  const parameters = exp.parameters as ParameterSpec[];
  const noPrior = parameters.filter((p) => !p.prior).map((p) => p.path);
  if (noPrior.length) throw new InputError(`parameter(s) ${noPrior.join(', ')} have no prior — fix: NPE needs a prior for every parameter; make a run with simulations.design: prior`);
  const table = readArrow(run.dataset);
  const col = (name: string) => table.columns[table.names.indexOf(name)];
  const thetaNames = parameters.map((p) => p.path);
  const missing = thetaNames.filter((n) => !table.names.includes(n));
  if (missing.length) throw new InputError(`${run.dataset} lacks θ column(s) ${missing.join(', ')} — fix: gather again from this run's chunks`);
  const featureNames = table.names.filter((n, j) => !NON_FEATURE_COLUMNS.has(n) && !thetaNames.includes(n) && table.columns[j] instanceof Float64Array);
  if (featureNames.length === 0) throw new InputError(`${run.dataset} has no feature columns — fix: configure features in the experiment and simulate again`);
  const status = col('status');
  const n = table.columns[0]!.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!Array.isArray(status) || status[i] === 'ok') keep.push(i);
  const d = thetaNames.length;
  const k = featureNames.length;
  const theta = new Float64Array(keep.length * d);
  const x = new Float64Array(keep.length * k);
  const tCols = thetaNames.map((nm) => col(nm) as Float64Array);
  const fCols = featureNames.map((nm) => col(nm) as Float64Array);
  keep.forEach((r, i) => {
    for (let j = 0; j < d; j++) theta[i * d + j] = tCols[j]![r]!;
    for (let j = 0; j < k; j++) x[i * k + j] = fCols[j]![r]!;
  });
  return { theta, x, parameters, featureNames, rows: keep.length, notOk: n - keep.length };
}
