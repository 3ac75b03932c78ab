import { recovery } from '../../src/diagnostics/recovery.js';
import { recommendBudget } from '../../src/diagnostics/recommend.js';
import { InputError } from '../../src/errors.js';
import { gaussianCases } from './analytic.js';

describe('shrinkage and z-score', () => {
  test('match the closed-form values of a conjugate Gaussian posterior', () => {
    // Prior N(0, 1), noise σ = 0.5: posterior variance 0.2, so shrinkage = 1 − 0.2/1 = 0.8.
    const [c] = gaussianCases(1, 200000, 2, 1, 3);
    const r = recovery(c!.samples, 2, c!.truth, [1, 1]);
    for (let k = 0; k < 2; k++) {
      expect(r[k]!.shrinkage).toBeCloseTo(0.8, 2);
      expect(r[k]!.mean).toBeCloseTo(c!.postMean[k]!, 2);
      expect(r[k]!.z).toBeCloseTo(Math.abs(c!.postMean[k]! - c!.truth[k]!) / Math.sqrt(0.2), 1);
    }
  });

  test('hand-computed small example', () => {
    // Samples 1, 2, 3 (mean 2, unbiased variance 1); θ* = 4; prior variance 4 ⇒ s = 0.75, z = 2.
    const [r] = recovery(new Float64Array([1, 2, 3]), 1, [4], [4]);
    expect(r).toEqual({ mean: 2, sd: 1, shrinkage: 0.75, z: 2 });
  });

  test('an over-confident posterior shows high shrinkage but large z-scores', () => {
    const over = gaussianCases(200, 500, 1, 0.3, 8);
    const meanZ = over.map((c) => recovery(c.samples, 1, c.truth, [1])[0]!.z).reduce((a, b) => a + b) / over.length;
    // Calibrated: E|N(0,1)| = 0.80; with a 0.3× sd the z-scores grow by 1/0.3.
    expect(meanZ).toBeGreaterThan(2);
  });

  test('bad shapes and prior variances are rejected', () => {
    expect(() => recovery(new Float64Array(3), 2, [0, 0], [1, 1])).toThrow(InputError);
    expect(() => recovery(new Float64Array(4), 2, [0], [1, 1])).toThrow(/one per parameter/);
    expect(() => recovery(new Float64Array(4), 2, [0, 0], [1, 0])).toThrow(/prior variance of parameter 1/);
  });
});

describe('budget recommendation', () => {
  test('picks the budget after which shrinkage plateaus, ignoring a noisy dip', () => {
    const rec = recommendBudget([
      { budget: 100, meanShrinkage: 0.5 },
      { budget: 200, meanShrinkage: 0.8 },
      { budget: 400, meanShrinkage: 0.9 },
      { budget: 800, meanShrinkage: 0.88 },
      { budget: 1600, meanShrinkage: 0.91 },
    ]);
    expect(rec.budget).toBe(400);
    expect(rec.atLargestBudget).toBe(false);
    expect(rec.bestMeanShrinkage).toBe(0.91);
  });

  test('a dip followed by a late rise does not end the search early', () => {
    const rec = recommendBudget([
      { budget: 100, meanShrinkage: 0.6 },
      { budget: 200, meanShrinkage: 0.59 },
      { budget: 400, meanShrinkage: 0.9 },
    ]);
    expect(rec.budget).toBe(400);
    expect(rec.atLargestBudget).toBe(true);
    expect(rec.reason).toMatch(/try larger budgets/);
  });

  test('order of the input does not matter; empty input is an error', () => {
    const pts = [
      { budget: 1000, meanShrinkage: 0.95 },
      { budget: 10, meanShrinkage: 0.2 },
      { budget: 100, meanShrinkage: 0.94 },
    ];
    expect(recommendBudget(pts).budget).toBe(100);
    expect(() => recommendBudget([])).toThrow(InputError);
  });
});
