import { InputError } from '../errors.js';
import { summariseCell, summariseStudy, type CellSummary, type StudySummary } from '../diagnostics/study-summary.js';
import { runNpe } from '../inference/npe.js';
import type { PriorLike } from '../inference/posterior.js';
import type { TrainOptions } from '../inference/train-loop.js';

/**
 * The heart of `hpcinv validate`, on arrays: for every feature set and budget, train one posterior on the
 * first `budget` simulations of the training pool (so smaller budgets are nested subsets of larger ones
 * and nothing is simulated twice), sample it at every held-out case and summarise the diagnostics.
 */
export interface StudyData {
  parameters: string[];
  /** Row-major n × d θ of the training pool, in sample order. */
  trainTheta: Float64Array;
  /** Row-major n × k features of the training pool (all feature columns). */
  trainX: Float64Array;
  testTheta: Float64Array;
  testX: Float64Array;
  featureNames: string[];
}

export interface StudyOptions {
  budgets: number[];
  /** Each a list of feature column names; the label shown in the report is the names joined by '+'. */
  featureSets: string[][];
  prior: PriorLike & { variance(): Float64Array };
  posteriorSamples: number;
  seed: number;
  /** NPE training options; `inWorker: false` trains in this thread (tests under jest). */
  train?: TrainOptions & { inWorker?: boolean };
  title?: string;
  facts?: Record<string, string | number>;
  /** Called after each cell (for progress output). */
  onCell?: (cell: CellSummary, index: number, total: number) => void;
}

export function featureSetLabel(set: string[]): string {
  return set.join('+');
}

/** Columns `set` of the row-major `rows × featureNames.length` matrix `x`. */
export function selectColumns(x: Float64Array, featureNames: string[], set: string[]): Float64Array {
  const k = featureNames.length;
  const idx = set.map((name) => {
    const j = featureNames.indexOf(name);
    if (j < 0) throw new InputError(`feature ${name} is not in the dataset (it has ${featureNames.join(', ')}) — fix: list it in the experiment's features.compute or pick another feature set`);
    return j;
  });
  const rows = x.length / k;
  const out = new Float64Array(rows * set.length);
  for (let r = 0; r < rows; r++) idx.forEach((j, c) => (out[r * set.length + c] = x[r * k + j]!));
  return out;
}

export async function evaluateStudy(data: StudyData, opts: StudyOptions): Promise<StudySummary> {
  const d = data.parameters.length;
  const nTrain = data.trainTheta.length / d;
  const nTest = data.testTheta.length / d;
  const budgets = [...opts.budgets].sort((a, b) => a - b);
  if (budgets[budgets.length - 1]! > nTrain) {
    throw new InputError(`the largest budget ${budgets[budgets.length - 1]} exceeds the ${nTrain} usable training simulations — fix: lower it or simulate more`);
  }
  const priorVariance = Array.from(opts.prior.variance());
  const cells: CellSummary[] = [];
  const total = budgets.length * opts.featureSets.length;
  for (const set of opts.featureSets) {
    const trainX = selectColumns(data.trainX, data.featureNames, set);
    const testX = selectColumns(data.testX, data.featureNames, set);
    const k = set.length;
    for (const budget of budgets) {
      const t0 = performance.now();
      const { posterior } = await runNpe(
        { theta: data.trainTheta.subarray(0, budget * d), x: trainX.subarray(0, budget * k), xDim: k, prior: opts.prior },
        { seed: opts.seed, ...opts.train },
      );
      const trainSeconds = (performance.now() - t0) / 1000;
      try {
        const cases = [];
        for (let i = 0; i < nTest; i++) {
          // One seed per test case, the same across cells, so cells differ only by their posterior.
          const { samples } = await posterior.sample(opts.posteriorSamples, testX.subarray(i * k, i * k + k), { seed: opts.seed + 1 + i });
          cases.push({ truth: data.testTheta.subarray(i * d, i * d + d), samples });
        }
        const cell = summariseCell({ budget, featureSet: featureSetLabel(set), cases, trainSeconds }, data.parameters, priorVariance, { tarpSeed: opts.seed });
        cells.push(cell);
        opts.onCell?.(cell, cells.length, total);
      } finally {
        await posterior.release();
      }
    }
  }
  return summariseStudy(opts.title ?? 'hpcinv validation study', data.parameters, cells, opts.facts ?? {});
}
