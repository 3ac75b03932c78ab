/**
 * A small binary MLP classifier on the same ONNX machinery as the flows, set up like scikit-learn's
 * MLPClassifier that sbibm's C2ST uses: ReLU hidden layers, logistic output, log-loss plus
 * alpha/2·‖W‖²/batch, Adam (lr 1e-3), minibatches of min(200, n), Glorot-uniform initialisation, and
 * training stops once the epoch loss has not improved by `tol` for more than 10 epochs (scikit-learn's
 * `n_iter_no_change` rule). The C2ST that uses it is `c2st()` in src/diagnostics/c2st.ts.
 */
import { gradients } from './autodiff.js';
import { initParams, paramCount, type ParamEntry } from './config.js';
import { ADAM_DEFAULTS } from './graphs.js';
import { GraphBuilder, type Val } from './graph.js';
import type { GraphSpec } from './onnx-proto.js';
import { Rng } from './rng.js';
import { createExecutor, type BackendName } from './runtime.js';

export interface ClassifierOptions {
  hidden: number[];
  alpha?: number;
  learningRate?: number;
  batchSize?: number;
  maxEpochs?: number;
  tol?: number;
  noChangeEpochs?: number;
  seed?: number;
  backend?: BackendName | 'auto';
}

export interface TrainedClassifier {
  dim: number;
  hidden: number[];
  params: Float32Array;
  epochs: number;
}

function layout(dim: number, hidden: number[]): ParamEntry[] {
  const widths = [dim, ...hidden, 1];
  return widths.slice(1).flatMap((w, l) => {
    // Glorot uniform with scikit-learn's factor 6 for ReLU networks, for weights and biases alike.
    const bound = Math.sqrt(6 / (widths[l]! + w));
    return [
      { name: `W${l}`, shape: [widths[l]!, w], fanIn: widths[l]!, init: { bound } },
      { name: `b${l}`, shape: [w], fanIn: widths[l]!, init: { bound } },
    ];
  });
}

function logits(b: GraphBuilder, p: Val[], x: Val): Val {
  let h = x;
  for (let l = 0; l < p.length; l += 2) {
    h = b.add(b.matmul(h, p[l]!), p[l + 1]!);
    if (l + 2 < p.length) h = b.relu(h);
  }
  return h;
}

export function classifierTrainGraph(dim: number, hidden: number[], alpha: number, float: 'float32' | 'float64' = 'float32'): GraphSpec {
  const b = new GraphBuilder(float);
  const lay = layout(dim, hidden);
  const P = paramCount(lay);
  const params = b.input('params', [P]);
  const leaves = b.unpack(params, lay.map((e) => e.shape), true);
  const m = b.input('m', [P]);
  const v = b.input('v', [P]);
  const t = b.input('t', []);
  const lr = b.input('lr', []);
  const x = b.input('x', ['B', dim]);
  const y = b.input('y', ['B', 1]);
  const z = logits(b, leaves, x);
  // Log-loss from logits, stably: softplus(z) − y·z.
  const nll = b.reduceMean(b.reduceSum(b.sub(b.softplus(z), b.mul(y, z)), 1), 0);
  let l2: Val | undefined;
  for (let l = 0; l < leaves.length; l += 2) {
    const sq = b.reduceSum(b.reduceSum(b.mul(leaves[l]!, leaves[l]!), 1), 0);
    l2 = l2 ? b.add(l2, sq) : sq;
  }
  const n = b.emit('Cast', [b.emit('Shape', [x], [1], 'int64', { start: { kind: 'int', value: 0 }, end: { kind: 'int', value: 1 } })], [1], float, { to: { kind: 'int', value: float === 'float32' ? 1 : 11 } });
  const loss = b.add(nll, b.reduceSum(b.div(b.mul(l2!, b.scalar(alpha / 2)), n), 0));
  const out = b.untaped(() => {
    const g = b.pack(gradients(b, loss, leaves));
    const { beta1, beta2, eps } = ADAM_DEFAULTS;
    const m2 = b.add(b.mul(m, b.scalar(beta1)), b.mul(g, b.scalar(1 - beta1)));
    const v2 = b.add(b.mul(v, b.scalar(beta2)), b.mul(b.mul(g, g), b.scalar(1 - beta2)));
    const bias1 = b.sub(b.scalar(1), b.emit('Pow', [b.scalar(beta1), t], [], float));
    const bias2 = b.sub(b.scalar(1), b.emit('Pow', [b.scalar(beta2), t], [], float));
    const step = b.mul(b.div(lr, bias1), b.div(m2, b.add(b.div(b.sqrt(v2), b.sqrt(bias2)), b.scalar(eps))));
    return { p2: b.sub(params, step), m2, v2 };
  });
  b.output(loss, 'loss');
  b.output(out.p2, 'params_out');
  b.output(out.m2, 'm_out');
  b.output(out.v2, 'v_out');
  return b.toSpec('classifier_train_step');
}

export function classifierLogitGraph(dim: number, hidden: number[]): GraphSpec {
  const b = new GraphBuilder('float32');
  const lay = layout(dim, hidden);
  const params = b.input('params', [paramCount(lay)]);
  const x = b.input('x', ['B', dim]);
  b.output(logits(b, b.unpack(params, lay.map((e) => e.shape), false), x), 'logit');
  return b.toSpec('classifier_logit');
}

/** Trains on rows of `x` (n × dim) with 0/1 labels. */
export async function trainClassifier(x: Float64Array, labels: Uint8Array, dim: number, o: ClassifierOptions): Promise<TrainedClassifier> {
  const n = labels.length;
  const rng = new Rng(o.seed ?? 1);
  let params: Float32Array = initParams(layout(dim, o.hidden), o.seed ?? 1);
  let m: Float32Array = new Float32Array(params.length);
  let v: Float32Array = new Float32Array(params.length);
  const exe = await createExecutor(classifierTrainGraph(dim, o.hidden, o.alpha ?? 1e-4), o.backend ?? 'auto');
  const batch = Math.min(o.batchSize ?? 200, n);
  const tol = o.tol ?? 1e-4;
  const patience = o.noChangeEpochs ?? 10;
  const lr = Float32Array.of(o.learningRate ?? 1e-3);
  let best = Infinity;
  let stale = 0;
  let t = 0;
  let epoch = 0;
  try {
    while (epoch < (o.maxEpochs ?? 10000)) {
      epoch++;
      const order = rng.permutation(n);
      let total = 0;
      // scikit-learn keeps the last, smaller batch.
      for (let s = 0; s < n; s += batch) {
        const e = Math.min(n, s + batch);
        const bx = new Float32Array((e - s) * dim);
        const by = new Float32Array(e - s);
        for (let k = s; k < e; k++) {
          const r = order[k]!;
          for (let j = 0; j < dim; j++) bx[(k - s) * dim + j] = x[r * dim + j]!;
          by[k - s] = labels[r]!;
        }
        t++;
        const out = await exe.run({
          params: { dims: [params.length], data: params },
          m: { dims: [params.length], data: m },
          v: { dims: [params.length], data: v },
          t: { dims: [], data: Float32Array.of(t) },
          lr: { dims: [], data: lr },
          x: { dims: [e - s, dim], data: bx },
          y: { dims: [e - s, 1], data: by },
        });
        params = out.params_out as Float32Array;
        m = out.m_out as Float32Array;
        v = out.v_out as Float32Array;
        total += out.loss![0]! * (e - s);
      }
      const loss = total / n;
      if (loss > best - tol) stale++;
      else stale = 0;
      best = Math.min(best, loss);
      // scikit-learn stops when the count EXCEEDS n_iter_no_change (as src/diagnostics/mlp.ts does).
      if (stale > patience) break;
    }
  } finally {
    await exe.release();
  }
  return { dim, hidden: o.hidden, params, epochs: epoch };
}

/** Predicted labels (logit > 0). */
export async function predictClassifier(model: TrainedClassifier, x: Float64Array, backend: BackendName | 'auto' = 'auto'): Promise<Uint8Array> {
  const exe = await createExecutor(classifierLogitGraph(model.dim, model.hidden), backend);
  try {
    const n = x.length / model.dim;
    const out = await exe.run({ params: { dims: [model.params.length], data: model.params }, x: { dims: [n, model.dim], data: Float32Array.from(x) } });
    return Uint8Array.from(out.logit!, (z) => (z > 0 ? 1 : 0));
  } finally {
    await exe.release();
  }
}
