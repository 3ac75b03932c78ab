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
  const n = 2000;

  test('identical distributions give ≈ 0.5', () => {
    const acc = c2st(gaussian(n, [0, 0], 1), gaussian(n, [0, 0], 2), 2, { seed: 3 });
    expect(Math.abs(acc - 0.5)).toBeLessThan(0.03);
  });

  test('disjoint distributions give ≈ 1.0', () => {
    const acc = c2st(gaussian(n, [0, 0], 1), gaussian(n, [12, -12], 2), 2, { seed: 3 });
    expect(acc).toBeGreaterThan(0.995);
  });

  test('a shifted Gaussian pair reaches the Bayes-optimal accuracy Φ(|Δμ|/2)', () => {
    // Equal-covariance Gaussians with equal class sizes: the best classifier is the bisecting hyperplane,
    // whose accuracy is Φ(‖Δμ‖/2) (Δμ measured in units of the common standard deviation).
    const shift = [0.6, 0.8]; // ‖Δμ‖ = 1
    const bayes = normalCdf(0.5);
    expect(bayes).toBeCloseTo(0.6915, 4);
    const acc = c2st(gaussian(3000, [0, 0], 11), gaussian(3000, shift, 12), 2, { seed: 5 });
    expect(Math.abs(acc - bayes)).toBeLessThan(0.025);
  });

  test('z-scoring by the first set makes the result independent of units', () => {
    const a = gaussian(600, [0, 0], 21);
    const b = gaussian(600, [1, 0], 22);
    const scale = (s: Float64Array) => s.map((v, i) => (i % 2 === 0 ? v * 1000 + 5 : v * 1e-3));
    const plain = c2stDetailed(a, b, 2, { seed: 4, maxEpochs: 15 });
    const scaled = c2stDetailed(scale(a), scale(b), 2, { seed: 4, maxEpochs: 15 });
    expect(scaled.accuracy).toBeCloseTo(plain.accuracy, 2);
  });

  test('the same seed gives the same result, and every fold is reported', () => {
    const a = gaussian(300, [0, 0, 0], 31);
    const b = gaussian(300, [0.5, 0, 0], 32);
    const r1 = c2stDetailed(a, b, 3, { seed: 9, maxEpochs: 5 });
    const r2 = c2stDetailed(a, b, 3, { seed: 9, maxEpochs: 5 });
    expect(r1).toEqual(r2);
    expect(r1.foldAccuracies).toHaveLength(5);
    expect(r1.accuracy).toBeCloseTo(r1.foldAccuracies.reduce((s, v) => s + v, 0) / 5, 12);
  });

  test('bad input is rejected with a fix', () => {
    expect(() => c2st(new Float64Array(5), new Float64Array(6), 2)).toThrow(InputError);
    expect(() => c2st(new Float64Array(4), new Float64Array(4), 2)).toThrow(/at least 5 samples/);
    const withNaN = gaussian(20, [0, 0], 1);
    withNaN[7] = NaN;
    expect(() => c2st(withNaN, gaussian(20, [0, 0], 2), 2)).toThrow(/non-finite.*row 3.*fix/);
  });
});
