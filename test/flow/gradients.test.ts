import './ort-realm.js';
import { initParams, makeFlowConfig, type FlowConfig } from '../../src/flow/config.js';
import { flowLayout, lossGradGraph, trainStepGraph } from '../../src/flow/graphs.js';
import { Rng } from '../../src/flow/rng.js';
import { createExecutor } from '../../src/flow/runtime.js';

function data(cfg: FlowConfig, n: number, seed: number) {
  const rng = new Rng(seed);
  return {
    theta: { dims: [n, cfg.thetaDim], data: Float64Array.from({ length: n * cfg.thetaDim }, () => rng.normal()) },
    x: { dims: [n, cfg.xDim], data: Float64Array.from({ length: n * cfg.xDim }, () => rng.normal()) },
  };
}

const configs: [string, FlowConfig][] = [
  ['MAF', makeFlowConfig(3, 2, { hidden: 8, transforms: 2 }, 1)],
  ['MAF with embedding', makeFlowConfig(2, 4, { hidden: 6, transforms: 2, embedding: { hidden: [5], out: 3 } }, 2)],
  ['NSF', makeFlowConfig(3, 2, { kind: 'nsf', hidden: 8, transforms: 2, bins: 4 }, 3)],
  ['NSF 1-D θ', makeFlowConfig(1, 2, { kind: 'nsf', hidden: 6, transforms: 2, bins: 5, blocks: 1 }, 4)],
];

describe.each(configs)('%s gradients', (_name, cfg) => {
  test('float64 ORT gradient matches central finite differences', async () => {
    const exe = await createExecutor(lossGradGraph(cfg, 'float64'), 'ort');
    const params = Float64Array.from(initParams(flowLayout(cfg), 7));
    const { theta, x } = data(cfg, 9, 3);
    const run = async (p: Float64Array) => exe.run({ params: { dims: [p.length], data: p }, theta, x });
    const base = await run(params);
    const grad = base.grad as Float64Array;
    expect(grad.length).toBe(params.length);
    const rng = new Rng(11);
    const h = 1e-6;
    let maxErr = 0;
    let maxGrad = 0;
    for (let k = 0; k < 40; k++) {
      const i = rng.int(params.length);
      const plus = Float64Array.from(params);
      const minus = Float64Array.from(params);
      plus[i]! += h;
      minus[i]! -= h;
      const fd = ((await run(plus)).loss![0]! - (await run(minus)).loss![0]!) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - grad[i]!));
      maxGrad = Math.max(maxGrad, Math.abs(grad[i]!));
    }
    expect(maxGrad).toBeGreaterThan(1e-3);
    expect(maxErr).toBeLessThan(1e-7);
    await exe.release();
  });

  test('JS executor agrees with ORT on loss and gradient (float64)', async () => {
    const spec = lossGradGraph(cfg, 'float64');
    const ort = await createExecutor(spec, 'ort');
    const js = await createExecutor(spec, 'js');
    const p = Float64Array.from(initParams(flowLayout(cfg), 5));
    const feeds = { params: { dims: [p.length], data: p }, ...data(cfg, 6, 4) };
    const a = await ort.run(feeds);
    const b = await js.run(feeds);
    expect(Math.abs(a.loss![0]! - b.loss![0]!)).toBeLessThan(1e-12);
    for (let i = 0; i < p.length; i++) expect(Math.abs(a.grad![i]! - b.grad![i]!)).toBeLessThan(1e-12);
    await ort.release();
  });
});

test('train step applies clipped, bias-corrected Adam to the gradient', async () => {
  const cfg = configs[0]![1];
  const P = initParams(flowLayout(cfg), 3);
  const p = Float64Array.from(P);
  const feeds = data(cfg, 8, 9);
  const g = (await (await createExecutor(lossGradGraph(cfg, 'float64'), 'ort')).run({ params: { dims: [p.length], data: p }, ...feeds })).grad!;
  const step = await createExecutor(trainStepGraph(cfg, undefined, 'float64'), 'ort');
  const rng = new Rng(2);
  const m = Float64Array.from({ length: p.length }, () => 0.01 * rng.normal());
  const v = Float64Array.from({ length: p.length }, () => 0.001 * rng.uniform());
  const t = 3;
  const lr = 0.01;
  const out = await step.run({
    params: { dims: [p.length], data: p },
    m: { dims: [p.length], data: m },
    v: { dims: [p.length], data: v },
    t: { dims: [], data: Float64Array.of(t) },
    lr: { dims: [], data: Float64Array.of(lr) },
    ...feeds,
  });
  // Independent Adam (PyTorch's formulas) and total-norm clipping at 5.
  // Array.from: reduce over a Float32Array | Float64Array union has no callable signature in TypeScript.
  const norm = Math.sqrt(Array.from(g).reduce((s, x) => s + x * x, 0));
  const c = Math.min(1, 5 / (norm + 1e-6));
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! * c;
    const m2 = 0.9 * m[i]! + 0.1 * gi;
    const v2 = 0.999 * v[i]! + 0.001 * gi * gi;
    const want = p[i]! - (lr / (1 - 0.9 ** t)) * (m2 / (Math.sqrt(v2) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
    expect(out.m_out![i]).toBeCloseTo(m2, 12);
    expect(out.v_out![i]).toBeCloseTo(v2, 12);
    expect(out.params_out![i]).toBeCloseTo(want, 10);
  }
});
