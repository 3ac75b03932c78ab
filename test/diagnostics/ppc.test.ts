import { posteriorPredictiveCheck } from '../../src/diagnostics/ppc.js';
import { Rng } from '../../src/diagnostics/random.js';
import { InputError } from '../../src/errors.js';

describe('posterior predictive check', () => {
  const rng = new Rng(4);
  // Predictive features: column 0 ~ N(10, 2²), column 1 ~ N(-3, 0.5²).
  const m = 4000;
  const predicted = new Float64Array(m * 2);
  for (let i = 0; i < m; i++) {
    predicted[2 * i] = 10 + 2 * rng.normal();
    predicted[2 * i + 1] = -3 + 0.5 * rng.normal();
  }

  test('an observation in the bulk passes, with quantiles from the normal CDF', () => {
    // Observed at +1 sd and −0.5 sd: quantiles Φ(1) = 0.841 and Φ(−0.5) = 0.309.
    const r = posteriorPredictiveCheck([12, -3.25], predicted, ['fc', 'fcd']);
    expect(r.passed).toBe(true);
    expect(r.features[0]!.quantile).toBeCloseTo(0.841, 1);
    expect(r.features[1]!.quantile).toBeCloseTo(0.309, 1);
    expect(r.features[0]!.z).toBeCloseTo(1, 1);
    // sd of a 4000-sample sd estimate is 2/√8000 ≈ 0.022; allow 4.5 of them.
    expect(Math.abs(r.features[0]!.predictedSd - 2)).toBeLessThan(0.1);
  });

  test('an observation far in a tail fails on that feature only', () => {
    const r = posteriorPredictiveCheck([10, 0], predicted, ['fc', 'fcd']);
    expect(r.passed).toBe(false);
    expect(r.features[0]!.inside).toBe(true);
    expect(r.features[1]!.inside).toBe(false);
    expect(r.features[1]!.pValue).toBe(0);
  });

  test('diverged predictive simulations are skipped and counted out', () => {
    const withNaN = Float64Array.from([...predicted.subarray(0, 200), NaN, 1]);
    expect(posteriorPredictiveCheck([10, -3], withNaN, ['a', 'b']).predictedCount).toBe(100);
  });

  test('bad input is rejected', () => {
    expect(() => posteriorPredictiveCheck([1, 2], predicted, ['a'])).toThrow(InputError);
    expect(() => posteriorPredictiveCheck([1, 2], new Float64Array([NaN, 1, 2, NaN]), ['a', 'b'])).toThrow(/finite/);
  });
});
