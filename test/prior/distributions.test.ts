import { LogNormal, Normal, TruncatedNormal, Uniform, type Distribution } from '../../src/prior/distributions.js';
import { integrate, upperTailByQuadrature } from './quadrature.js';

/** Integration range covering all but a negligible part of each test distribution's mass. */
const cases: { name: string; dist: Distribution; range: [number, number] }[] = [
  { name: 'uniform(0.1, 1.2)', dist: new Uniform(0.1, 1.2), range: [0.1, 1.2] },
  { name: 'normal(1.5, 0.75)', dist: new Normal(1.5, 0.75), range: [1.5 - 15, 1.5 + 15] },
  { name: 'lognormal(-1, 0.5)', dist: new LogNormal(-1, 0.5), range: [1e-12, 40] },
  { name: 'truncnormal(0, 1, -1, 2)', dist: new TruncatedNormal(0, 1, -1, 2), range: [-1, 2] },
  { name: 'truncnormal(1, 0.5, 0.2, +∞)', dist: new TruncatedNormal(1, 0.5, 0.2, Infinity), range: [0.2, 9] },
  { name: 'truncnormal(0, 1, 4, 6) (far tail)', dist: new TruncatedNormal(0, 1, 4, 6), range: [4, 6] },
  { name: 'truncnormal(0, 2, -∞, -5)', dist: new TruncatedNormal(0, 2, -Infinity, -5), range: [-40, -5] },
];

describe.each(cases)('$name', ({ dist, range }) => {
  const density = (x: number) => Math.exp(dist.logPdf(x));
  const [a, b] = range;

  test('density integrates to 1', () => {
    expect(integrate(density, a, b)).toBeCloseTo(1, 9);
  });

  test('mean and variance equal the moments of the density', () => {
    const m = integrate((x) => x * density(x), a, b);
    const v = integrate((x) => (x - m) ** 2 * density(x), a, b);
    expect(dist.mean()).toBeCloseTo(m, 8);
    expect(Math.abs(dist.variance() - v) / v).toBeLessThan(1e-7);
  });

  test('quantile(u) has distribution-function value u', () => {
    for (const u of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) {
      const x = dist.quantile(u);
      expect(dist.inSupport(x)).toBe(true);
      expect(integrate(density, a, x)).toBeCloseTo(u, 8);
    }
  });

  test('support and log-density agree', () => {
    expect(dist.inSupport(NaN)).toBe(false);
    expect(dist.logPdf(a - 1)).toBe(dist.inSupport(a - 1) ? dist.logPdf(a - 1) : -Infinity);
    expect(dist.logPdf(b + 50)).toBe(dist.inSupport(b + 50) ? dist.logPdf(b + 50) : -Infinity);
  });
});

test('uniform support is closed, lognormal excludes 0, truncated normal honours both bounds', () => {
  const u = new Uniform(0, 2);
  expect([u.inSupport(0), u.inSupport(2), u.inSupport(2.0000001)]).toEqual([true, true, false]);
  expect(u.logPdf(1)).toBeCloseTo(-Math.log(2), 15);
  const ln = new LogNormal(0, 1);
  expect([ln.inSupport(0), ln.inSupport(1e-300), ln.inSupport(-1)]).toEqual([false, true, false]);
  const t = new TruncatedNormal(0, 1, -1, 1);
  expect([t.inSupport(-1), t.inSupport(1), t.inSupport(1.01)]).toEqual([true, true, false]);
  expect(t.quantile(1e-16)).toBeGreaterThanOrEqual(-1);
  expect(t.quantile(1 - 1e-16)).toBeLessThanOrEqual(1);
});

test('an extreme upper-tail truncation keeps its precision (mean just above the bound)', () => {
  // E[X | X > a] = φ(a)/Q(a) for the standard normal; Q(a) by quadrature, independent of the code.
  const a = 20;
  const t = new TruncatedNormal(0, 1, a, Infinity);
  const phi = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
  expect(Math.abs(t.mean() - phi / upperTailByQuadrature(a))).toBeLessThan(1e-12);
  const x = t.quantile(0.5);
  expect(x).toBeGreaterThan(a);
  expect(x).toBeLessThan(a + 0.1);
});
