import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { NON_FEATURE_COLUMNS } from '../inference/dataset.js';
import { readArrow } from '../store/arrow.js';
import type { StudyData } from './evaluate.js';

/**
 * Splits the study's one simulated dataset by sample index: samples [0, poolSize) form the training pool
 * (budget B trains on the pool's first B usable rows), samples from poolSize on are the held-out test
 * cases. θ was drawn i.i.d. from the prior, so every prefix is itself a prior sample. Simulations that
 * did not end `ok` (diverged) are left out of both, as NPE training leaves them out.
 */
export function splitStudyData(datasetPath: string, parameters: string[], poolSize: number, nTest: number): StudyData & { droppedTrain: number; droppedTest: number } {
  if (!existsSync(datasetPath)) throw new InputError(`${datasetPath} does not exist — fix: let the study's simulations finish (rerun \`hpcinv validate\` to resume)`);
  const table = readArrow(datasetPath);
  const col = (name: string) => table.columns[table.names.indexOf(name)];
  const missing = parameters.filter((p) => !table.names.includes(p));
  if (missing.length) throw new InputError(`${datasetPath} lacks θ column(s) ${missing.join(', ')} — fix: gather the study's run again`);
  const featureNames = table.names.filter((n, j) => !NON_FEATURE_COLUMNS.has(n) && !parameters.includes(n) && table.columns[j] instanceof Float64Array);
  const sample = col('sample') as Int32Array;
  const status = col('status');
  const thetaCols = parameters.map((p) => col(p) as Float64Array);
  const featureCols = featureNames.map((f) => col(f) as Float64Array);
  const train: number[] = [];
  const test: number[] = [];
  let droppedTrain = 0;
  let droppedTest = 0;
  for (let r = 0; r < sample.length; r++) {
    const ok = !Array.isArray(status) || status[r] === 'ok';
    const isTrain = sample[r]! < poolSize;
    if (!ok) {
      if (isTrain) droppedTrain++;
      else droppedTest++;
    } else if (isTrain) train.push(r);
    else test.push(r);
  }
  const byIndex = (a: number, b: number) => sample[a]! - sample[b]!;
  train.sort(byIndex);
  test.sort(byIndex);
  if (test.length < nTest) {
    throw new InputError(`only ${test.length} of the held-out simulations ended ok (${droppedTest} diverged), ${nTest} wanted — fix: lower --test or narrow the prior away from divergence`);
  }
  const pick = (rows: number[], cols: Float64Array[]) => {
    const out = new Float64Array(rows.length * cols.length);
    rows.forEach((r, i) => cols.forEach((c, j) => (out[i * cols.length + j] = c[r]!)));
    return out;
  };
  const testRows = test.slice(0, nTest);
  return {
    parameters,
    featureNames,
    trainTheta: pick(train, thetaCols),
    trainX: pick(train, featureCols),
    testTheta: pick(testRows, thetaCols),
    testX: pick(testRows, featureCols),
    droppedTrain,
    droppedTest,
  };
}
