import { InputError } from '../errors.js';
import { posteriorPredictiveCheck } from '../diagnostics/ppc.js';
import { summariseCell, summariseStudy, type CellSummary, type PpcCase, type StudySummary } from '../diagnostics/study-summary.js';
import { runNpe } from '../inference/npe.js';
import type { Posterior, PriorLike } from '../inference/posterior.js';
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
  /**
   * Posterior predictive checks: for the first `cases` held-out cases, draw `samples` θ from the posterior
   * of the last feature set at the largest budget, simulate them and compare every feature of that set.
   * `simulate` returns the row-major features (all dataset columns, in `featureNames` order) of θ rows.
   */
  ppc?: { cases: number; samples: number; simulate(theta: Float64Array): Promise<Float64Array> };
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
  const ppc: PpcCase[] = [];
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
        if (opts.ppc && opts.ppc.cases > 0 && set === opts.featureSets[opts.featureSets.length - 1] && budget === budgets[budgets.length - 1]) {
          ppc.push(...(await predictiveChecks(posterior, data, set, testX, budget, opts)));
        }
        const cell = summariseCell({ budget, featureSet: featureSetLabel(set), cases, trainSeconds }, data.parameters, priorVariance, { tarpSeed: opts.seed });
        cells.push(cell);
        opts.onCell?.(cell, cells.length, total);
      } finally {
        await posterior.release();
      }
    }
  }
  const study = summariseStudy(opts.title ?? 'hpcinv validation study', data.parameters, cells, opts.facts ?? {});
  return ppc.length ? { ...study, ppc } : study;
}

async function predictiveChecks(posterior: Posterior, data: StudyData, set: string[], testX: Float64Array, budget: number, opts: StudyOptions): Promise<PpcCase[]> {
  const d = data.parameters.length;
  const k = set.length;
  const { cases, samples, simulate } = opts.ppc!;
  const out: PpcCase[] = [];
  for (let i = 0; i < Math.min(cases, data.testTheta.length / d); i++) {
    const observed = testX.subarray(i * k, i * k + k);
    const theta = (await posterior.sample(samples, observed, { seed: opts.seed + 100_000 + i })).samples;
    const predicted = selectColumns(await simulate(theta), data.featureNames, set);
    out.push({
      featureSet: featureSetLabel(set),
      budget,
      testCase: i,
      truth: Array.from(data.testTheta.subarray(i * d, i * d + d)),
      result: posteriorPredictiveCheck(observed, predicted, set),
    });
  }
  return out;
}
