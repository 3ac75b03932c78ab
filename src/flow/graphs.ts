/**
 * The ONNX graphs of a flow, all emitted from one description:
 *  - train step: (params, m, v, t, lr, θ, x) → (loss, params', m', v')  — Adam with global-norm clipping;
 *  - loss/gradient (float64 for finite-difference checks) and per-sample log q for validation;
 *  - the bundled posterior models with the weights and z-scoring baked in: log-prob, sampling and the
 *    gradient of log q with respect to θ (used by MAP).
 * The training graphs work on z-scored θ and x; the bundled ones take raw values.
 */
import { gradients } from './autodiff.js';
import { embeddingLayout, type FlowConfig, type ParamEntry } from './config.js';
import { GraphBuilder, type Val } from './graph.js';
import { MafGraph, mafLayout } from './maf.js';
import { NsfGraph, nsfLayout } from './nsf.js';
import type { GraphSpec } from './onnx-proto.js';

export interface ZScore {
  thetaMean: number[];
  thetaStd: number[];
  xMean: number[];
  xStd: number[];
}

export interface AdamSettings {
  beta1: number;
  beta2: number;
  eps: number;
  clipMaxNorm: number;
}

/** PyTorch's Adam defaults and sbi's `clip_max_norm`. */
export const ADAM_DEFAULTS: AdamSettings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, clipMaxNorm: 5 };

export function flowLayout(cfg: FlowConfig): ParamEntry[] {
  return [...embeddingLayout(cfg), ...(cfg.kind === 'maf' ? mafLayout(cfg) : nsfLayout(cfg))];
}

interface FlowNet {
  forward(theta: Val, ctx: Val): { z: Val; logdet: Val };
  inverse(z: Val, ctx: Val): Val;
}

/**
 * Builds the conditioning path (optional embedding MLP) and the flow from unpacked parameters. `training`:
 * the graph runs minibatches (layout choices tuned for 200 rows rather than thousands).
 */
function assemble(b: GraphBuilder, cfg: FlowConfig, params: Val[], training = false): { context: (x: Val) => Val; net: FlowNet } {
  const nEmb = embeddingLayout(cfg).length;
  const emb = params.slice(0, nEmb);
  const flowParams = params.slice(nEmb);
  const net: FlowNet = cfg.kind === 'maf' ? new MafGraph(b, cfg, flowParams) : new NsfGraph(b, cfg, flowParams, training);
  const context = (x: Val): Val => {
    let h = x;
    for (let l = 0; l < emb.length; l += 2) {
      h = b.add(b.matmul(h, emb[l]!), emb[l + 1]!);
      if (l + 2 < emb.length) h = b.relu(h);
    }
    return h;
  };
  return { context, net };
}

/** log q(θ_z | x_z) per row, in z-scored units: standard-normal base plus the flow's log|det|. */
function logProbZ(b: GraphBuilder, cfg: FlowConfig, params: Val[], thetaZ: Val, xZ: Val, training = false): Val {
  const { context, net } = assemble(b, cfg, params, training);
  const { z, logdet } = net.forward(thetaZ, context(xZ));
  const sq = b.reduceSum(b.mul(z, z), 1);
  const base = b.sub(b.mul(sq, b.scalar(-0.5)), b.scalar(0.5 * cfg.thetaDim * Math.log(2 * Math.PI)));
  return b.add(base, logdet);
}

function trainingInputs(b: GraphBuilder, cfg: FlowConfig, layout: ParamEntry[], paramsAreLeaves: boolean) {
  const P = layout.reduce((s, p) => s + p.shape.reduce((a, c) => a * c, 1), 0);
  const params = b.input('params', [P]);
  const leaves = b.unpack(params, layout.map((p) => p.shape), paramsAreLeaves);
  return { P, params, leaves };
}

/** Mean negative log-likelihood and its gradient over the flat parameter vector. */
export function lossGradGraph(cfg: FlowConfig, float: 'float32' | 'float64'): GraphSpec {
  const b = new GraphBuilder(float);
  const layout = flowLayout(cfg);
  const { leaves } = trainingInputs(b, cfg, layout, true);
  const theta = b.input('theta', ['B', cfg.thetaDim]);
  const x = b.input('x', ['B', cfg.xDim]);
  const loss = b.neg(b.reduceMean(logProbZ(b, cfg, leaves, theta, x, true), 0));
  b.output(loss, 'loss');
  b.output(b.pack(gradients(b, loss, leaves)), 'grad');
  return b.toSpec('flow_loss_grad');
}

/** Per-row log q for z-scored inputs with the parameters as an input (validation loss). */
export function logProbTrainGraph(cfg: FlowConfig, float: 'float32' | 'float64' = 'float32'): GraphSpec {
  const b = new GraphBuilder(float);
  const { leaves } = trainingInputs(b, cfg, flowLayout(cfg), false);
  const theta = b.input('theta', ['B', cfg.thetaDim]);
  const x = b.input('x', ['B', cfg.xDim]);
  b.output(logProbZ(b, cfg, leaves, theta, x), 'log_prob');
  return b.toSpec('flow_log_prob_train');
}

/** One Adam step (PyTorch's form, bias-corrected) on the clipped gradient of the mean NLL. */
export function trainStepGraph(cfg: FlowConfig, adam: AdamSettings = ADAM_DEFAULTS, float: 'float32' | 'float64' = 'float32'): GraphSpec {
  const b = new GraphBuilder(float);
  const layout = flowLayout(cfg);
  const { P, params, leaves } = trainingInputs(b, cfg, layout, true);
  const m = b.input('m', [P]);
  const v = b.input('v', [P]);
  const t = b.input('t', []);
  const lr = b.input('lr', []);
  const theta = b.input('theta', ['B', cfg.thetaDim]);
  const x = b.input('x', ['B', cfg.xDim]);
  const loss = b.neg(b.reduceMean(logProbZ(b, cfg, leaves, theta, x, true), 0));
  const out = b.untaped(() => {
    let g = b.pack(gradients(b, loss, leaves));
    const norm = b.sqrt(b.reduceSum(b.mul(g, g), 0));
    const factor = b.min(b.scalar(1), b.div(b.scalar(adam.clipMaxNorm), b.add(norm, b.scalar(1e-6))));
    g = b.mul(g, factor);
    const m2 = b.add(b.mul(m, b.scalar(adam.beta1)), b.mul(g, b.scalar(1 - adam.beta1)));
    const v2 = b.add(b.mul(v, b.scalar(adam.beta2)), b.mul(b.mul(g, g), b.scalar(1 - adam.beta2)));
    const bias1 = b.sub(b.scalar(1), b.emit('Pow', [b.scalar(adam.beta1), t], [], b.float));
    const bias2 = b.sub(b.scalar(1), b.emit('Pow', [b.scalar(adam.beta2), t], [], b.float));
    const denom = b.add(b.div(b.sqrt(v2), b.sqrt(bias2)), b.scalar(adam.eps));
    const step = b.mul(b.div(lr, bias1), b.div(m2, denom));
    return { p2: b.sub(params, step), m2, v2 };
  });
  b.output(loss, 'loss');
  b.output(out.p2, 'params_out');
  b.output(out.m2, 'm_out');
  b.output(out.v2, 'v_out');
  return b.toSpec('flow_train_step');
}

function bakedParams(b: GraphBuilder, cfg: FlowConfig, params: Float32Array): Val[] {
  const layout = flowLayout(cfg);
  const flat = b.constant(params, [params.length], 'params');
  return b.unpack(flat, layout.map((p) => p.shape), false);
}

/** v·diag(s) + c as one product: onnxruntime runs a row-broadcast Sub or Div as a loop over rows. */
function affine(b: GraphBuilder, v: Val, scale: number[], shift: number[]): Val {
  const d = scale.length;
  const diag = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? scale[k / (d + 1)]! : 0));
  return b.add(b.matmul(v, b.constant(diag, [d, d])), b.constant(shift, [d]));
}

/** (v − mean) / std. */
function standardize(b: GraphBuilder, v: Val, mean: number[], std: number[]): Val {
  return affine(b, v, std.map((s) => 1 / s), mean.map((m, i) => -m / std[i]!));
}

/** Bundled model: (θ, x) raw → log q(θ | x) in θ's own units (z-scoring Jacobian included). */
export function logProbGraph(cfg: FlowConfig, params: Float32Array, zs: ZScore, withGrad = false): GraphSpec {
  const b = new GraphBuilder('float32');
  const p = bakedParams(b, cfg, params);
  const theta = b.input('theta', ['B', cfg.thetaDim]);
  const x = b.input('x', ['B', cfg.xDim]);
  if (withGrad) b.leaf(theta);
  const logJac = zs.thetaStd.reduce((s, sd) => s + Math.log(sd), 0);
  const lp = b.sub(logProbZ(b, cfg, p, standardize(b, theta, zs.thetaMean, zs.thetaStd), standardize(b, x, zs.xMean, zs.xStd)), b.scalar(logJac));
  b.output(lp, 'log_prob');
  if (withGrad) b.output(gradients(b, b.reduceSum(lp, 0), [theta])[0]!, 'grad_theta');
  return b.toSpec(withGrad ? 'posterior_log_prob_grad' : 'posterior_log_prob');
}

/** Bundled model: (x raw, ε ~ N(0, I)) → θ raw samples of q(θ | x). */
export function sampleGraph(cfg: FlowConfig, params: Float32Array, zs: ZScore): GraphSpec {
  const b = new GraphBuilder('float32');
  const p = bakedParams(b, cfg, params);
  const x = b.input('x', ['B', cfg.xDim]);
  const eps = b.input('eps', ['B', cfg.thetaDim]);
  const { context, net } = assemble(b, cfg, p);
  const thetaZ = net.inverse(eps, context(standardize(b, x, zs.xMean, zs.xStd)));
  const theta = affine(b, thetaZ, zs.thetaStd, zs.thetaMean);
  b.output(theta, 'theta');
  return b.toSpec('posterior_sample');
}
