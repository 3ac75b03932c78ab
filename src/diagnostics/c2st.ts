import { InputError } from '../errors.js';
import { predictClassifier, trainClassifier } from '../flow/classifier.js';
import { loadOrt } from '../flow/runtime.js';
import { predictMlp, trainMlp } from './mlp.js';
import { Rng } from './random.js';

/**
 * Classifier two-sample test as sbibm computes it (Lueckmann et al. 2021): z-score both sets by the
 * mean and (unbiased) standard deviation of the FIRST set, label A = 0 and B = 1, and report the mean
 * 5-fold cross-validated accuracy of an MLP with two ReLU hidden layers of 10·dim units, trained like
 * scikit-learn's MLPClassifier (adam) until its stopping rule fires or max_iter is reached. 0.5 means the
 * classifier cannot tell the sets apart, 1.0 that they are fully separable.
 *
 * This is the project's one C2ST. It trains the classifier of src/flow/classifier.ts on onnxruntime-node
 * (fast) and falls back to the plain-TypeScript MLP of ./mlp.ts (same recipe, the test oracle) only when
 * ONNX Runtime cannot load.
 */
export type C2stEngine = 'auto' | 'onnx' | 'plain';

export interface C2stOptions {
  seed?: number;
  folds?: number;
  /** Hidden layer sizes; default [10·dim, 10·dim] as in sbibm. */
  hidden?: number[];
  /**
   * Epoch cap; default 10000, sbibm's max_iter, so scikit-learn's stopping rule decides. Tests pass a
   * small cap only to stay fast.
   */
  maxEpochs?: number;
  /** 'auto' (default): ONNX when onnxruntime-node loads, else plain TS; the others force one. */
  engine?: C2stEngine;
}

export interface C2stResult {
  /** Mean accuracy over the folds (the C2ST value). */
  accuracy: number;
  foldAccuracies: number[];
  /** Epochs each fold's classifier trained for (the stopping rule decides). */
  epochs: number[];
  /** Which classifier ran. */
  engine: 'onnx' | 'plain';
}

/** SBIBM's max_iter. */
const DEFAULT_MAX_EPOCHS = 10000;

type FoldTrainer = (trainX: Float64Array, trainY: Uint8Array, testX: Float64Array, fold: number) => Promise<{ predicted: Uint8Array; epochs: number }>;

/**
 * `samplesA`, `samplesB`: row-major `n × dim` sample matrices (rows may differ in number).
 */
export async function c2stDetailed(
  samplesA: Float64Array,
  samplesB: Float64Array,
  dim: number,
  options: C2stOptions = {},
): Promise<C2stResult> {
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
  const maxEpochs = options.maxEpochs ?? DEFAULT_MAX_EPOCHS;
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) {
    throw new InputError(`c2st: maxEpochs must be a positive integer, got ${maxEpochs} — fix: omit it (default ${DEFAULT_MAX_EPOCHS}, sbibm's max_iter)`);
  }
  const engineOption = options.engine ?? 'auto';
  if (!['auto', 'onnx', 'plain'].includes(engineOption)) {
    throw new InputError(`c2st: unknown engine '${engineOption}' — fix: use 'auto', 'onnx' or 'plain'`);
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
  // Input is validated before ONNX Runtime is loaded, so bad input fails the same way on every machine.
  const engine = await classifierEngine(engineOption);
  const trainFold: FoldTrainer =
    engine === 'onnx'
      ? async (trainX, trainY, testX, f) => {
          const model = await trainClassifier(trainX, trainY, dim, { hidden, seed: seed + f, maxEpochs, backend: 'ort' });
          return { predicted: await predictClassifier(model, testX, 'ort'), epochs: model.epochs };
        }
      : async (trainX, trainY, testX, f) => {
          const model = trainMlp(trainX, trainY, trainY.length, dim, { hidden, seed: seed + f, maxEpochs });
          return { predicted: predictMlp(model, testX, testX.length / dim), epochs: model.epochs };
        };
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
    const { predicted, epochs: trained } = await trainFold(trainX, trainY, testX, f);
    let correct = 0;
    for (let i = 0; i < size; i++) if (predicted[i] === testY[i]) correct++;
    foldAccuracies.push(correct / size);
    epochs.push(trained);
    start += size;
  }
  const accuracy = foldAccuracies.reduce((a, b) => a + b, 0) / folds;
  return { accuracy, foldAccuracies, epochs, engine };
}

/** 'auto' trains the classifier through onnxruntime when it loads and in plain TypeScript otherwise. */
async function classifierEngine(option: C2stEngine): Promise<'onnx' | 'plain'> {
  if (option === 'plain') return 'plain';
  if (await loadOrt()) return 'onnx';
  if (option === 'onnx') throw new InputError("c2st: engine 'onnx' was requested but onnxruntime-node cannot load — fix: install onnxruntime-node's native binding or use engine 'auto'");
  return 'plain';
}

/** The C2ST accuracy alone (see `c2stDetailed`). */
export async function c2st(samplesA: Float64Array, samplesB: Float64Array, dim: number, options: C2stOptions = {}): Promise<number> {
  return (await c2stDetailed(samplesA, samplesB, dim, options)).accuracy;
}
