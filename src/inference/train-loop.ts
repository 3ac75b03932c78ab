/**
 * The NPE training loop with sbi's defaults: 10% validation split, z-scoring from the training split,
 * Adam 5e-4 on minibatches of 200 (last incomplete batch dropped, reshuffled every epoch), gradient
 * clipping at norm 5, early stopping after 20 epochs without a better validation loss, best weights
 * restored. One ONNX session runs the whole train step; another the validation log-probabilities.
 */
import { InputError } from '../errors.js';
import { initParams, makeFlowConfig, type FlowConfig, type FlowOptions } from '../flow/config.js';
import { flowLayout, logProbTrainGraph, trainStepGraph, type ZScore } from '../flow/graphs.js';
import { Rng } from '../flow/rng.js';
import { createExecutor, type BackendName } from '../flow/runtime.js';
import { fitZScore, standardizeRows } from './zscore.js';

export interface TrainOptions {
  flow?: FlowOptions;
  learningRate?: number;
  batchSize?: number;
  validationFraction?: number;
  stopAfterEpochs?: number;
  maxEpochs?: number;
  seed?: number;
  backend?: BackendName | 'auto';
}

export interface EpochProgress {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  bestValidationLoss: number;
  epochsSinceImprovement: number;
  seconds: number;
}

export interface TrainedFlow {
  config: FlowConfig;
  params: Float32Array;
  zscore: ZScore;
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number;
  /** Rows dropped because their features were NaN or infinite (as sbi drops them). */
  droppedRows: number;
  trainRows: number;
  validationRows: number;
  history: EpochProgress[];
  backend: BackendName;
  seconds: number;
  options: Required<Omit<TrainOptions, 'flow' | 'backend'>>;
}

export const TRAIN_DEFAULTS = { learningRate: 5e-4, batchSize: 200, validationFraction: 0.1, stopAfterEpochs: 20, maxEpochs: 2 ** 31 - 1, seed: 0 };

/** Checks shapes and values; returns the rows whose features are all finite. */
export function validRows(theta: Float64Array, thetaDim: number, x: Float64Array, xDim: number): number[] {
  const n = theta.length / thetaDim;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`θ has ${theta.length} values, not a positive multiple of ${thetaDim} parameters — fix: pass whole rows`);
  if (x.length !== n * xDim) throw new InputError(`x has ${x.length} values but ${n} rows × ${xDim} features were expected — fix: pass one feature row per θ row`);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < thetaDim; j++) {
      if (!Number.isFinite(theta[i * thetaDim + j]!)) throw new InputError(`θ row ${i} has a non-finite value in column ${j} — fix: θ comes from the prior and must be finite; check the dataset`);
    }
    let ok = true;
    for (let j = 0; j < xDim && ok; j++) ok = Number.isFinite(x[i * xDim + j]!);
    if (ok) rows.push(i);
  }
  return rows;
}

export async function trainFlow(
  theta: Float64Array,
  thetaDim: number,
  x: Float64Array,
  xDim: number,
  options: TrainOptions = {},
  onEpoch?: (p: EpochProgress) => void,
): Promise<TrainedFlow> {
  const o = { ...TRAIN_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof TRAIN_DEFAULTS & TrainOptions;
  const started = performance.now();
  const rows = validRows(theta, thetaDim, x, xDim);
  const nVal = Math.floor(o.validationFraction * rows.length);
  const nTrain = rows.length - nVal;
  if (nTrain < 2 || (o.validationFraction > 0 && nVal < 1)) {
    throw new InputError(`only ${rows.length} usable simulations (rows with finite features) — fix: simulate more (NPE needs at least tens of simulations)`);
  }
  const rng = new Rng(o.seed);
  const perm = rng.permutation(rows.length).map((k) => rows[k]!);
  const trainRows = Int32Array.from(perm.slice(0, nTrain));
  const valRows = Int32Array.from(perm.slice(nTrain));
  const zscore = fitZScore(theta, thetaDim, x, xDim, trainRows);
  const thetaZ = standardizeRows(theta, thetaDim, trainRows, zscore.thetaMean, zscore.thetaStd);
  const xZ = standardizeRows(x, xDim, trainRows, zscore.xMean, zscore.xStd);
  const valTheta = standardizeRows(theta, thetaDim, valRows, zscore.thetaMean, zscore.thetaStd);
  const valX = standardizeRows(x, xDim, valRows, zscore.xMean, zscore.xStd);
  // Reported losses are in θ's own units, like sbi's (its z-scoring is part of the flow).
  const logJac = zscore.thetaStd.reduce((s, sd) => s + Math.log(sd), 0);

  const config = makeFlowConfig(thetaDim, xDim, o.flow ?? {}, o.seed);
  let params: Float32Array = initParams(flowLayout(config), o.seed + 1);
  const P = params.length;
  let m: Float32Array = new Float32Array(P);
  let v: Float32Array = new Float32Array(P);
  const step = await createExecutor(trainStepGraph(config), o.backend ?? 'auto');
  const evaluate = await createExecutor(logProbTrainGraph(config), step.backend);

  const batch = Math.min(o.batchSize, nTrain);
  const bTheta = new Float32Array(batch * thetaDim);
  const bX = new Float32Array(batch * xDim);
  const lr = Float32Array.of(o.learningRate);
  const history: EpochProgress[] = [];
  let best = { loss: Infinity, params, epoch: 0 };
  let t = 0;
  let epoch = 0;
  try {
    while (epoch < o.maxEpochs) {
      epoch++;
      const order = rng.permutation(nTrain);
      let lossSum = 0;
      let steps = 0;
      for (let start = 0; start + batch <= nTrain; start += batch) {
        for (let k = 0; k < batch; k++) {
          const r = order[start + k]!;
          bTheta.set(thetaZ.subarray(r * thetaDim, (r + 1) * thetaDim), k * thetaDim);
          bX.set(xZ.subarray(r * xDim, (r + 1) * xDim), k * xDim);
        }
        t++;
        const out = await step.run({
          params: { dims: [P], data: params },
          m: { dims: [P], data: m },
          v: { dims: [P], data: v },
          t: { dims: [], data: Float32Array.of(t) },
          lr: { dims: [], data: lr },
          theta: { dims: [batch, thetaDim], data: bTheta },
          x: { dims: [batch, xDim], data: bX },
        });
        params = out.params_out as Float32Array;
        m = out.m_out as Float32Array;
        v = out.v_out as Float32Array;
        lossSum += out.loss![0]!;
        steps++;
      }
      const valLoss = nVal > 0 ? (await meanNll(evaluate, params, valTheta, valX, thetaDim, xDim)) + logJac : lossSum / steps + logJac;
      if (!Number.isFinite(valLoss)) throw new Error(`validation loss became ${valLoss} at epoch ${epoch}`);
      if (valLoss < best.loss) best = { loss: valLoss, params, epoch };
      const p: EpochProgress = {
        epoch,
        trainLoss: lossSum / steps + logJac,
        validationLoss: valLoss,
        bestValidationLoss: best.loss,
        epochsSinceImprovement: epoch - best.epoch,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(p);
      onEpoch?.(p);
      if (epoch - best.epoch >= o.stopAfterEpochs) break;
    }
  } finally {
    await step.release();
    await evaluate.release();
  }
  return {
    config,
    params: best.params,
    zscore,
    epochs: epoch,
    bestEpoch: best.epoch,
    bestValidationLoss: best.loss,
    droppedRows: theta.length / thetaDim - rows.length,
    trainRows: nTrain,
    validationRows: nVal,
    history,
    backend: step.backend,
    seconds: (performance.now() - started) / 1000,
    options: { learningRate: o.learningRate, batchSize: o.batchSize, validationFraction: o.validationFraction, stopAfterEpochs: o.stopAfterEpochs, maxEpochs: o.maxEpochs, seed: o.seed },
  };
}

async function meanNll(exe: Awaited<ReturnType<typeof createExecutor>>, params: Float32Array, theta: Float32Array, x: Float32Array, d: number, k: number): Promise<number> {
  const n = theta.length / d;
  const chunk = 10_000;
  let sum = 0;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const out = await exe.run({
      params: { dims: [params.length], data: params },
      theta: { dims: [e - s, d], data: theta.subarray(s * d, e * d) },
      x: { dims: [e - s, k], data: x.subarray(s * k, e * k) },
    });
    for (const lp of out.log_prob!) sum -= lp;
  }
  return sum / n;
}
