import './ort-realm.js';
import { classifierTrainGraph, predictClassifier, trainClassifier } from '../../src/flow/classifier.js';
import { initParams } from '../../src/flow/config.js';
import { Rng } from '../../src/flow/rng.js';
import { createExecutor } from '../../src/flow/runtime.js';

/** Φ, by the Abramowitz–Stegun erf approximation (|error| < 1.5e-7). */
function phi(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return 0.5 * (1 + Math.sign(z) * erf);
}

function gaussians(n: number, shift: number, seed: number): { a: Float64Array; b: Float64Array } {
  const rng = new Rng(seed);
  return { a: Float64Array.from({ length: n }, () => rng.normal()), b: Float64Array.from({ length: n }, () => rng.normal() + shift) };
}

test('float64 classifier loss gradient (inside the Adam step) matches finite differences', async () => {
  // The gradient is read back from the Adam moments: at t = 1 with zero moments m_out = 0.1·g exactly.
  const spec = classifierTrainGraph(2, [5, 4], 0.01, 'float64');
  const exe = await createExecutor(spec, 'ort');
  const P = Float64Array.from(initParams([{ name: 'p', shape: [2 * 5 + 5 + 5 * 4 + 4 + 4 + 1], fanIn: 3 }], 3));
  const rng = new Rng(5);
  const x = Float64Array.from({ length: 16 }, () => rng.normal());
  const y = Float64Array.from({ length: 8 }, (_, i) => i % 2);
  const run = async (p: Float64Array) =>
    exe.run({
      params: { dims: [p.length], data: p },
      m: { dims: [p.length], data: new Float64Array(p.length) },
      v: { dims: [p.length], data: new Float64Array(p.length) },
      t: { dims: [], data: Float64Array.of(1) },
      lr: { dims: [], data: Float64Array.of(1) },
      x: { dims: [8, 2], data: x },
      y: { dims: [8, 1], data: y },
    });
  const base = await run(P);
  const g = Array.from(base.m_out!, (mv) => 10 * mv);
  for (let i = 0; i < P.length; i += 3) {
    const h = 1e-6;
    const up = Float64Array.from(P);
    const dn = Float64Array.from(P);
    up[i]! += h;
    dn[i]! -= h;
    const fd = ((await run(up)).loss![0]! - (await run(dn)).loss![0]!) / (2 * h);
    expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-7);
  }
  await exe.release();
});

test('trained classifier reaches the Bayes accuracy Φ(Δ/2) on two shifted Gaussians', async () => {
  const { a, b } = gaussians(3000, 1, 1);
  const x = Float64Array.from([...a, ...b]);
  const labels = Uint8Array.from({ length: 6000 }, (_, i) => (i < 3000 ? 0 : 1));
  const model = await trainClassifier(x, labels, 1, { hidden: [10, 10], seed: 2, maxEpochs: 60 });
  const test = gaussians(5000, 1, 9);
  const pred = await predictClassifier(model, Float64Array.from([...test.a, ...test.b]));
  const acc = pred.reduce((s, p, i) => s + (p === (i < 5000 ? 0 : 1) ? 1 : 0), 0) / 10000;
  expect(Math.abs(acc - phi(0.5))).toBeLessThan(0.02);
});
