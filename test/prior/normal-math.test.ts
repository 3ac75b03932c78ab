import { normalCdf, normalPdf, normalQuantile, normalUpperTail } from '../../src/prior/normal-math.js';
import { integrate, upperTailByQuadrature } from './quadrature.js';

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('normalUpperTail / normalCdf against quadrature of the density', () => {
  test.each([0, 0.2, 0.7, 0.99, 1, 1.5, 2.5, 3.7, 5, 8, 12, 20, 30])('Q(%p) to 1e-12 relative', (x) => {
    const truth = upperTailByQuadrature(x);
    expect(relErr(normalUpperTail(x), truth)).toBeLessThan(1e-12);
    expect(relErr(normalCdf(-x), truth)).toBeLessThan(1e-12);
  });

  test.each([-2.5, -1, -0.3, 0.3, 1, 2.5])('Φ(%p) = ∫ φ over (−12, x]', (x) => {
    const truth = integrate((t) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI), -12, x);
    expect(relErr(normalCdf(x), truth)).toBeLessThan(1e-12);
  });

  test('classic table values', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(Number.isNaN(normalCdf(NaN))).toBe(true);
  });
});

describe('normalQuantile', () => {
  test.each([1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.02, 0.0243, 0.2, 0.5, 0.8, 0.975, 0.999999])('inverts Φ at p = %p', (p) => {
    const x = normalQuantile(p);
    // exp(−x²/2) turns the rounding of x² into a relative error of about ε·x²/2, hence the scaled tolerance
    if (p <= 0.5) expect(relErr(normalCdf(x), p)).toBeLessThan(1e-13 * Math.max(1, (x * x) / 20));
    else expect(relErr(normalUpperTail(x), 1 - p)).toBeLessThan(1e-9); // 1 − p itself only carries ~16 digits of p
  });

  test('known quantiles and edge cases', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(Number.isNaN(normalQuantile(-0.1))).toBe(true);
    expect(Number.isNaN(normalQuantile(NaN))).toBe(true);
  });

  test('is antisymmetric and monotone on a fine grid', () => {
    let previous = -Infinity;
    for (let k = 1; k < 2000; k++) {
      const p = k / 2000;
      const x = normalQuantile(p);
      expect(x).toBeGreaterThan(previous);
      expect(Math.abs(x + normalQuantile(1 - p))).toBeLessThan(1e-12);
      previous = x;
    }
  });
});

test('infinite arguments give the limits', () => {
  expect(normalCdf(-Infinity)).toBe(0);
  expect(normalCdf(Infinity)).toBe(1);
  expect(normalUpperTail(Infinity)).toBe(0);
  expect(normalUpperTail(-Infinity)).toBe(1);
});
