import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { NON_FEATURE_COLUMNS } from '../inference/dataset.js';
import { readArrow } from '../store/arrow.js';
import type { StudyData } from './evaluate.js';

/** One gathered dataset's usable (status ok) rows in sample order, with its θ and feature columns. */
interface UsableRows {
  featureNames: string[];
  thetaCols: Float64Array[];
  featureCols: Float64Array[];
  /** Row indices of the samples below the pool size, then of the rest, each in sample order. */
  pool: number[];
  rest: number[];
  droppedPool: number;
  droppedRest: number;
}

function usableRows(datasetPath: string, parameters: string[], poolSize: number): UsableRows {
  if (!existsSync(datasetPath)) throw new InputError(`${datasetPath} does not exist — fix: let the study's simulations finish (rerun \`hpcinv validate\` to resume)`);
  const table = readArrow(datasetPath);
  const col = (name: string) => table.columns[table.names.indexOf(name)];
  const missing = parameters.filter((p) => !table.names.includes(p));
  if (missing.length) throw new InputError(`${datasetPath} lacks θ column(s) ${missing.join(', ')} — fix: gather the study's run again`);
  const featureNames = table.names.filter((n, j) => !NON_FEATURE_COLUMNS.has(n) && !parameters.includes(n) && table.columns[j] instanceof Float64Array);
  const sample = col('sample') as Int32Array;
  const status = col('status');
  const rows: UsableRows = {
    featureNames,
    thetaCols: parameters.map((p) => col(p) as Float64Array),
    featureCols: featureNames.map((f) => col(f) as Float64Array),
    pool: [],
    rest: [],
    droppedPool: 0,
    droppedRest: 0,
  };
  for (let r = 0; r < sample.length; r++) {
    const ok = !Array.isArray(status) || status[r] === 'ok';
    const inPool = sample[r]! < poolSize;
    if (ok) (inPool ? rows.pool : rows.rest).push(r);
    else if (inPool) rows.droppedPool++;
    else rows.droppedRest++;
  }
  const byIndex = (a: number, b: number) => sample[a]! - sample[b]!;
  rows.pool.sort(byIndex);
  rows.rest.sort(byIndex);
  return rows;
}

/**
 * How many simulations the study still lacks: training pool places and held-out cases whose
 * simulation diverged (0 when every wanted simulation ended ok).
 */
export function studyShortfall(datasetPath: string, parameters: string[], poolSize: number, nTest: number): number {
  const rows = usableRows(datasetPath, parameters, poolSize);
  return Math.max(0, poolSize - rows.pool.length) + Math.max(0, nTest - rows.rest.length);
}

/**
 * Splits the study's simulated dataset by sample index: samples [0, poolSize) form the training pool
 * (budget B trains on the pool's first B rows), samples from poolSize on are the held-out test cases.
 * θ was drawn i.i.d. from the prior, so every prefix is itself a prior sample. Simulations that did not
 * end `ok` (diverged) are left out of both, as NPE training leaves them out; their places are filled
 * from the reserve dataset (more i.i.d. prior draws, simulated after the fact), training pool first.
 */
export function splitStudyData(
  datasetPath: string,
  parameters: string[],
  poolSize: number,
  nTest: number,
  reservePath?: string,
): StudyData & { droppedTrain: number; droppedTest: number; reserveUsed: number } {
  const main = usableRows(datasetPath, parameters, poolSize);
  const reserve = reservePath ? usableRows(reservePath, parameters, Infinity) : undefined;
  if (reserve && reserve.featureNames.join() !== main.featureNames.join()) {
    throw new InputError(`${reservePath} has other feature columns than ${datasetPath} — fix: delete the study's reserve run and rerun \`hpcinv validate\``);
  }
  type Row = { from: UsableRows; r: number };
  const spare: Row[] = reserve ? reserve.pool.map((r) => ({ from: reserve, r })) : [];
  const train: Row[] = main.pool.map((r) => ({ from: main, r }));
  train.push(...spare.splice(0, Math.max(0, poolSize - train.length)));
  const test: Row[] = main.rest.slice(0, nTest).map((r) => ({ from: main, r }));
  test.push(...spare.splice(0, Math.max(0, nTest - test.length)));
  if (test.length < nTest) {
    throw new InputError(`only ${test.length} of the held-out simulations ended ok (${main.droppedRest} diverged), ${nTest} wanted — fix: lower --test or narrow the prior away from divergence`);
  }
  const pick = (rows: Row[], cols: (u: UsableRows) => Float64Array[]) => {
    const k = cols(main).length;
    const out = new Float64Array(rows.length * k);
    rows.forEach(({ from, r }, i) => cols(from).forEach((c, j) => (out[i * k + j] = c[r]!)));
    return out;
  };
  return {
    parameters,
    featureNames: main.featureNames,
    trainTheta: pick(train, (u) => u.thetaCols),
    trainX: pick(train, (u) => u.featureCols),
    testTheta: pick(test, (u) => u.thetaCols),
    testX: pick(test, (u) => u.featureCols),
    droppedTrain: main.droppedPool,
    droppedTest: main.droppedRest,
    reserveUsed: (reserve?.pool.length ?? 0) - spare.length,
  };
}
