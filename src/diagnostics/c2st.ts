import { InputError } from '../errors.js';
import { predictMlp, trainMlp } from './mlp.js';
import { Rng } from './random.js';

/**
 * Classifier two-sample test as sbibm computes it (Lueckmann et al. 2021): z-score both sets by the
 * mean and (unbiased) standard deviation of the FIRST set, label A = 0 and B = 1, and report the mean
 * 5-fold cross-validated accuracy of an MLP with two ReLU hidden layers of 10·dim units. 0.5 means the
 * classifier cannot tell the sets apart, 1.0 that they are fully separable.
 */
export interface C2stOptions {
  seed?: number;
  folds?: number;
  /** Hidden layer sizes; default [10·dim, 10·dim] as in sbibm. */
  hidden?: number[];
  /**
   * Epoch cap (default 50). sbibm trains to sklearn's stopping rule with max_iter 10000: in 2-D that rule
   * ends training after 20–45 epochs anyway, but in 5-D the training loss keeps creeping down for 300+
   * epochs (minutes per call) while the held-out accuracy only drifts below the Bayes-optimal value as
   * the net overfits; see docs/diagnostics.md for the measurements.
   */
  maxEpochs?: number;
}

export interface C2stResult {
  /** Mean accuracy over the folds (the C2ST value). */
  accuracy: number;
  foldAccuracies: number[];
  /** Epochs each fold's classifier trained for (the stopping rule decides). */
  epochs: number[];
}

/**
 * `samplesA`, `samplesB`: row-major `n × dim` sample matrices (rows may differ in number).
 */
export function c2stDetailed(
  samplesA: Float64Array,
  samplesB: Float64Array,
  dim: number,
  options: C2stOptions = {},
): C2stResult {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new InputError(`c2st: dimension must be a positive integer, got ${dim} — fix: pass the number of columns`);
  }
  if (samplesA.length % dim !== 0 || samplesB.length % dim !== 0) {
    throw new InputError(
      `c2st: sample arrays of length ${samplesA.length} and ${samplesB.length} are not multiples of dim=${dim} — ` +
        'fix: pass row-major n × dim matrices',
    );
  }
  const nA = samplesA.length / dim;
  const nB = samplesB.length / dim;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(folds) || folds < 2) {
    throw new InputError(`c2st: folds must be an integer ≥ 2, got ${folds} — fix: use the default of 5`);
  }
  if (nA < folds || nB < folds) {
    throw new InputError(`c2st: need at least ${folds} samples in each set, got ${nA} and ${nB} — fix: draw more samples`);
  }
  for (const [name, s] of [['first', samplesA] as const, ['second', samplesB] as const]) {
    for (let k = 0; k < s.length; k++) {
      if (!Number.isFinite(s[k]!)) {
        throw new InputError(`c2st: the ${name} sample set has a non-finite value at row ${Math.floor(k / dim)} — fix: drop or repair it`);
      }
    }
  }

  // z-score by the first set (as sbibm), so the classifier sees unit-scale inputs.
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let r = 0; r < nA; r++) for (let k = 0; k < dim; k++) mean[k] += samplesA[r * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k] /= nA;
  for (let r = 0; r < nA; r++) {
    for (let k = 0; k < dim; k++) {
      const d = samplesA[r * dim + k]! - mean[k]!;
      sd[k] += d * d;
    }
  }
  for (let k = 0; k < dim; k++) {
    sd[k] = Math.sqrt(sd[k]! / Math.max(1, nA - 1));
    // A constant column carries no scale; leave it centred but unscaled instead of dividing by zero.
    if (!(sd[k]! > 0)) sd[k] = 1;
  }
  const n = nA + nB;
  const data = new Float64Array(n * dim);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const fromA = r < nA;
    const src = fromA ? samplesA : samplesB;
    const row = fromA ? r : r - nA;
    labels[r] = fromA ? 0 : 1;
    for (let k = 0; k < dim; k++) data[r * dim + k] = (src[row * dim + k]! - mean[k]!) / sd[k]!;
  }

  // KFold(shuffle=True): one permutation cut into `folds` contiguous parts, the first n % folds one longer.
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  new Rng(seed ^ 0x5bd1e995).shuffle(perm);
  const hidden = options.hidden ?? [10 * dim, 10 * dim];
  const foldAccuracies: number[] = [];
  const epochs: number[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const nTrain = n - size;
    const trainX = new Float64Array(nTrain * dim);
    const trainY = new Uint8Array(nTrain);
    const testX = new Float64Array(size * dim);
    const testY = new Uint8Array(size);
    let t = 0;
    for (let i = 0; i < n; i++) {
      const src = perm[i]!;
      if (i >= start && i < start + size) {
        const q = i - start;
        testX.set(data.subarray(src * dim, src * dim + dim), q * dim);
        testY[q] = labels[src]!;
      } else {
        trainX.set(data.subarray(src * dim, src * dim + dim), t * dim);
        trainY[t] = labels[src]!;
        t++;
      }
    }
    const model = trainMlp(trainX, trainY, nTrain, dim, {
      hidden,
      seed: seed + f,
      maxEpochs: options.maxEpochs ?? 50,
    });
    const predicted = predictMlp(model, testX, size);
    let correct = 0;
    for (let i = 0; i < size; i++) if (predicted[i] === testY[i]) correct++;
    foldAccuracies.push(correct / size);
    epochs.push(model.epochs);
    start += size;
  }
  const accuracy = foldAccuracies.reduce((a, b) => a + b, 0) / folds;
  return { accuracy, foldAccuracies, epochs };
}

/** The C2ST accuracy alone (see `c2stDetailed`). */
export function c2st(samplesA: Float64Array, samplesB: Float64Array, dim: number, options: C2stOptions = {}): number {
  return c2stDetailed(samplesA, samplesB, dim, options).accuracy;
}
