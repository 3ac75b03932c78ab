// ONNX Runtime runs in these tests (c2st's default engine): the realm fix must come first.
import '../flow/ort-realm.js';
import { c2st, c2stDetailed } from '../../src/diagnostics/c2st.js';
import { Rng } from '../../src/diagnostics/random.js';
import { InputError } from '../../src/errors.js';

/** n × dim standard normal samples, shifted by `shift` (per dimension). */
function gaussian(n: number, shift: number[], seed: number): Float64Array {
  const rng = new Rng(seed);
  const dim = shift.length;
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i * dim + k] = rng.normal() + shift[k]!;
  return out;
}

/** Standard normal CDF by Simpson integration of the density (independent of any library erf). */
function normalCdf(x: number): number {
  const steps = 2000;
  const h = x / steps;
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = pdf(0) + pdf(x);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * pdf(i * h);
  return 0.5 + (s * h) / 3;
}

describe('c2st (sbibm recipe: MLP, 5-fold CV, z-scored by the first set)', () => {
  const n = 1000;

  test('runs on ONNX Runtime by default, to the stopping rule (no epoch cap)', async () => {
    const r = await c2stDetailed(gaussian(400, [0, 0], 1), gaussian(400, [1, 0], 2), 2, { seed: 3 });
    expect(r.engine).toBe('onnx');
    // sklearn's rule needs more than 10 non-improving epochs, so at least 12 epochs per fold; a cap of 50
    // would show as exactly 50 in every fold.
    for (const e of r.epochs) expect(e).toBeGreaterThan(11);
    expect(r.epochs.some((e) => e !== 50)).toBe(true);
  });

  test('identical distributions give ≈ 0.5', async () => {
    const acc = await c2st(gaussian(n, [0, 0], 1), gaussian(n, [0, 0], 2), 2, { seed: 3 });
    // sd of a 2000-point accuracy at 0.5 is 0.011.
    expect(Math.abs(acc - 0.5)).toBeLessThan(0.035);
  });

  test('disjoint distributions give ≈ 1.0', async () => {
    const acc = await c2st(gaussian(n, [0, 0], 1), gaussian(n, [12, -12], 2), 2, { seed: 3 });
    expect(acc).toBeGreaterThan(0.995);
  });

  test('a shifted Gaussian pair reaches the Bayes-optimal accuracy Φ(|Δμ|/2) with both engines alike', async () => {
    // Equal-covariance Gaussians with equal class sizes: the best classifier is the bisecting hyperplane,
    // whose accuracy is Φ(‖Δμ‖/2) (Δμ measured in units of the common standard deviation).
    const shift = [0.6, 0.8]; // ‖Δμ‖ = 1
    const bayes = normalCdf(0.5);
    expect(bayes).toBeCloseTo(0.6915, 4);
    const a = gaussian(1500, [0, 0], 11);
    const b = gaussian(1500, shift, 12);
    const onnx = await c2stDetailed(a, b, 2, { seed: 5, engine: 'onnx' });
    // The plain-TypeScript MLP is the oracle: same recipe, same folds, independent float64 implementation.
    const plain = await c2stDetailed(a, b, 2, { seed: 5, engine: 'plain' });
    expect(onnx.engine).toBe('onnx');
    expect(plain.engine).toBe('plain');
    // sd of a 3000-point accuracy here is 0.0084; both see the same test points, so they differ far less.
    expect(Math.abs(onnx.accuracy - bayes)).toBeLessThan(0.03);
    expect(Math.abs(plain.accuracy - bayes)).toBeLessThan(0.03);
    expect(Math.abs(onnx.accuracy - plain.accuracy)).toBeLessThan(0.015);
  });

  test('z-scoring by the first set makes the result independent of units', async () => {
    const a = gaussian(600, [0, 0], 21);
    const b = gaussian(600, [1, 0], 22);
    const scale = (s: Float64Array) => s.map((v, i) => (i % 2 === 0 ? v * 1000 + 5 : v * 1e-3));
    const plain = await c2stDetailed(a, b, 2, { seed: 4, maxEpochs: 15 });
    const scaled = await c2stDetailed(scale(a), scale(b), 2, { seed: 4, maxEpochs: 15 });
    expect(scaled.accuracy).toBeCloseTo(plain.accuracy, 2);
  });

  test('the same seed gives the same result, and every fold is reported', async () => {
    const a = gaussian(300, [0, 0, 0], 31);
    const b = gaussian(300, [0.5, 0, 0], 32);
    const r1 = await c2stDetailed(a, b, 3, { seed: 9, maxEpochs: 5 });
    const r2 = await c2stDetailed(a, b, 3, { seed: 9, maxEpochs: 5 });
    expect(r1).toEqual(r2);
    expect(r1.foldAccuracies).toHaveLength(5);
    expect(r1.accuracy).toBeCloseTo(r1.foldAccuracies.reduce((s, v) => s + v, 0) / 5, 12);
  });

  test('bad input is rejected with a fix', async () => {
    await expect(c2st(new Float64Array(5), new Float64Array(6), 2)).rejects.toThrow(InputError);
    await expect(c2st(new Float64Array(4), new Float64Array(4), 2)).rejects.toThrow(/at least 5 samples/);
    const withNaN = gaussian(20, [0, 0], 1);
    withNaN[7] = NaN;
    await expect(c2st(withNaN, gaussian(20, [0, 0], 2), 2)).rejects.toThrow(/non-finite.*row 3.*fix/);
    await expect(c2st(gaussian(20, [0, 0], 1), gaussian(20, [0, 0], 2), 2, { maxEpochs: 0 })).rejects.toThrow(/maxEpochs.*fix/);
  });
});
