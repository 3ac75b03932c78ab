import { chiSquareSurvival, gammaQ, ksPValue, ksTestUniform, logGamma, normalCdf } from '../../src/diagnostics/stats.js';
import { Rng } from '../../src/diagnostics/random.js';

describe('distribution functions (against tabulated values)', () => {
  test('logGamma matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9); // ln 100!
  });

  test('χ² survival at tabulated critical values', () => {
    // Critical values from standard χ² tables (5 %, 1 %).
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(30.143527, 19)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(36.190869, 19)).toBeCloseTo(0.01, 6);
    expect(chiSquareSurvival(124.342113, 100)).toBeCloseTo(0.05, 6);
    // Q(1, x) = e^{-x} exactly (exponential distribution) on both branches of the implementation.
    expect(gammaQ(1, 0.7)).toBeCloseTo(Math.exp(-0.7), 12);
    expect(gammaQ(1, 5)).toBeCloseTo(Math.exp(-5), 12);
  });

  test('normal CDF at tabulated points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  test('KS p-value at the asymptotic and small-n critical values', () => {
    // Kolmogorov limit: P(√n·D ≥ 1.3581) = 0.05; exact small-sample table: n = 20, D₀.₀₅ = 0.29408.
    expect(ksPValue(1.3581 / Math.sqrt(1e6), 1e6)).toBeCloseTo(0.05, 3);
    expect(ksPValue(0.29408, 20)).toBeCloseTo(0.05, 2);
    expect(ksPValue(0.01, 10)).toBe(1);
  });

  test('KS statistic of a hand-checked sample, and p-values uniform under the null', () => {
    // Sorted u = 0.1, 0.4, 0.7: D = max(1/3−0.1, 0.4−1/3, 2/3−0.4, 0.7−2/3, 1−0.7) = 0.3.
    expect(ksTestUniform([0.7, 0.1, 0.4]).statistic).toBeCloseTo(0.3, 12);
    const rng = new Rng(5);
    let rejected = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const u = Array.from({ length: 100 }, () => rng.uniform());
      if (ksTestUniform(u).pValue < 0.05) rejected++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4.
    expect(rejected).toBeGreaterThan(7);
    expect(rejected).toBeLessThan(35);
  });
});
