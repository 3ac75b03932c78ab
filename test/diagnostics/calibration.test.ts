import { sbcRanks, sbcUniformity } from '../../src/diagnostics/sbc.js';
import { centralIntervalLevel, coverageCurve, hpdLevel, tarp } from '../../src/diagnostics/coverage.js';
import { InputError } from '../../src/errors.js';
import { gaussianCases } from './analytic.js';

const L = 200;
const N = 400;

function sbcOf(widthFactor: number, seed: number) {
  const cases = gaussianCases(N, L, 2, widthFactor, seed);
  return sbcUniformity(cases.map((c) => sbcRanks(c.samples, 2, c.truth)), L);
}

/** log N(θ; μ, s²) up to a constant — enough to order samples by density. */
function gaussLogProb(theta: ArrayLike<number>, mean: number[], sd: number): number {
  let s = 0;
  for (let k = 0; k < mean.length; k++) s -= ((theta[k]! - mean[k]!) / sd) ** 2 / 2;
  return s;
}

describe('simulation-based calibration', () => {
  test('ranks count the samples below θ*', () => {
    expect(sbcRanks(new Float64Array([1, 10, 2, 20, 3, 30]), 2, [2.5, 5])).toEqual([2, 0]);
  });

  test('the exact analytic posterior passes the uniformity tests', () => {
    const r = sbcOf(1, 1);
    expect(r.calibrated).toBe(true);
    for (const p of r.perParameter) {
      expect(p.ksPValue).toBeGreaterThan(0.05);
      expect(p.chi2PValue).toBeGreaterThan(0.01);
      expect(p.histogram.reduce((a, b) => a + b)).toBe(N);
    }
  });

  test('an over-confident posterior (sd × 0.5) fails, with ranks piled at both ends', () => {
    const r = sbcOf(0.5, 2);
    expect(r.calibrated).toBe(false);
    for (const p of r.perParameter) {
      expect(p.ksPValue).toBeLessThan(1e-4);
      expect(p.chi2PValue).toBeLessThan(1e-6);
      const h = p.histogram;
      expect(h[0]! + h[h.length - 1]!).toBeGreaterThan((4 * N) / h.length);
    }
  });

  test('a biased posterior fails too', () => {
    const cases = gaussianCases(N, L, 1, 1, 4).map((c) => ({ ...c, samples: c.samples.map((v) => v + 0.3) }));
    const r = sbcUniformity(cases.map((c) => sbcRanks(c.samples, 1, c.truth)), L);
    expect(r.perParameter[0]!.ksPValue).toBeLessThan(1e-4);
  });

  test('χ² expected counts are exact when L + 1 is not a multiple of the bin count', () => {
    // Every rank value 0..L exactly once: a perfectly uniform histogram, χ² must be 0.
    const ranks = Array.from({ length: 11 }, (_, r) => [r]);
    const res = sbcUniformity(ranks, 10, { bins: 2 });
    expect(res.perParameter[0]!.histogram).toEqual([6, 5]);
    expect(res.perParameter[0]!.chi2).toBeCloseTo(0, 12);
  });

  test('out-of-range ranks are rejected', () => {
    expect(() => sbcUniformity([[0], [11]], 10)).toThrow(InputError);
  });
});

describe('expected coverage and TARP', () => {
  test('calibrated posteriors follow the diagonal (marginal, HPD and TARP)', () => {
    const cases = gaussianCases(N, L, 2, 1, 5);
    const marginal = coverageCurve(cases.map((c) => centralIntervalLevel(sbcRanks(c.samples, 2, c.truth)[0]!, L)));
    const hpd = coverageCurve(
      cases.map((c) => {
        const lp = Array.from({ length: L }, (_, i) => gaussLogProb(c.samples.subarray(2 * i, 2 * i + 2), c.postMean, c.postSd));
        return hpdLevel(lp, gaussLogProb(c.truth, c.postMean, c.postSd));
      }),
    );
    const t = tarp(cases, 2, { seed: 3 });
    for (const curve of [marginal, hpd, t]) {
      expect(Math.abs(curve.atc)).toBeLessThan(0.02);
      expect(curve.ksPValue).toBeGreaterThan(0.05);
      const maxDev = Math.max(...curve.alpha.map((a, j) => Math.abs(curve.ecp[j]! - a)));
      expect(maxDev).toBeLessThan(0.08);
    }
  });

  test('over-confident posteriors fall below the diagonal, under-confident ones above', () => {
    const over = gaussianCases(N, L, 2, 0.5, 6);
    const under = gaussianCases(N, L, 2, 2, 7);
    for (const [cases, sign] of [
      [over, -1],
      [under, 1],
    ] as const) {
      const marginal = coverageCurve(cases.map((c) => centralIntervalLevel(sbcRanks(c.samples, 2, c.truth)[1]!, L)));
      const t = tarp(cases, 2, { seed: 3 });
      expect(Math.sign(marginal.atc)).toBe(sign);
      expect(Math.abs(marginal.atc)).toBeGreaterThan(0.05);
      expect(marginal.ksPValue).toBeLessThan(1e-4);
      expect(Math.sign(t.atc)).toBe(sign);
      expect(t.ksPValue).toBeLessThan(0.01);
    }
  });

  test('coverage curve of hand-made levels', () => {
    const c = coverageCurve([0.1, 0.3, 0.6, 0.9], 10);
    expect(c.alpha[5]).toBeCloseTo(0.5, 12);
    expect(c.ecp[5]).toBe(0.5); // 0.1 and 0.3 are < 0.5
    expect(c.ecp[10]).toBe(1);
    expect(c.ecp[0]).toBe(0);
  });

  test('central interval level of the median rank is 0 and of extreme ranks ≈ 1', () => {
    expect(centralIntervalLevel(50, 100)).toBeCloseTo(0, 12);
    expect(centralIntervalLevel(0, 100)).toBeCloseTo(1 - 1 / 101, 12);
  });
});
