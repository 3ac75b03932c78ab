import { InputError } from '../../src/errors.js';
import { normalCdf } from '../../src/prior/normal-math.js';
import { IndependentPrior, priorFromSpec } from '../../src/prior/prior.js';
import { parametersSchema } from '../../src/prior/schema.js';
import { documentedUniform, documentedUniformWithStream } from './reference-philox.js';
import { fnv1a32 } from '../../src/prior/philox.js';
import { Uniform } from '../../src/prior/distributions.js';

const spec = parametersSchema.parse([
  { path: 'coupling.a', prior: { kind: 'uniform', low: 0.1, high: 1.2 } },
  { path: 'model.eta', prior: { kind: 'normal', mu: -4.6, sigma: 0.5 } },
  { path: 'integrator.noise.nsig', prior: { kind: 'lognormal', mu: -3, sigma: 0.4 } },
  { path: 'model.J', prior: { kind: 'truncnormal', mu: 14.5, sigma: 2, low: 12, high: 20 } },
]);

/** Kolmogorov–Smirnov distance between a sample and a distribution function. */
function ksDistance(sample: number[], cdf: (x: number) => number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs((i + 1) / sorted.length - f));
  });
  return d;
}

function column(values: Float64Array, d: number, j: number): number[] {
  const out: number[] = [];
  for (let i = j; i < values.length; i += d) out.push(values[i]);
  return out;
}

describe('IndependentPrior.sample', () => {
  const prior = priorFromSpec(spec);
  const n = 20000;
  const theta = prior.sample(n, 1234);

  test('follows the documented bit recipe (BigInt Philox + uniform quantile)', () => {
    const d = prior.dimension;
    for (const row of [0, 1, 17, 19999]) {
      const u = documentedUniform(1234, row, 'coupling.a');
      expect(theta.values[row * d]).toBe(0.1 + u * (1.2 - 0.1));
    }
    const far = prior.sample(1, 77, 2 ** 40 + 3);
    expect(far.values[0]).toBe(0.1 + documentedUniform(77, 2 ** 40 + 3, 'coupling.a') * (1.2 - 0.1));
  });

  test('any row range equals the same rows of one big draw (chunks can sample on their own)', () => {
    const part = prior.sample(100, 1234, 5000);
    expect(Array.from(part.values)).toEqual(Array.from(theta.values.subarray(5000 * 4, 5100 * 4)));
    expect(part.names).toEqual(['coupling.a', 'model.eta', 'integrator.noise.nsig', 'model.J']);
  });

  test('a parameter keeps its values when others are added or reordered; seeds differ', () => {
    const alone = new IndependentPrior(['model.eta'], [prior.marginals[1]]).sample(50, 1234);
    expect(Array.from(alone.values)).toEqual(column(theta.values, 4, 1).slice(0, 50));
    const other = prior.sample(50, 1235);
    expect(other.values[0]).not.toBe(theta.values[0]);
  });

  test('every marginal passes a KS test at the 0.1 % level (n = 20000)', () => {
    const critical = 1.949 / Math.sqrt(n);
    const cols = [0, 1, 2, 3].map((j) => column(theta.values, 4, j));
    expect(ksDistance(cols[0], (x) => (x - 0.1) / 1.1)).toBeLessThan(critical);
    expect(ksDistance(cols[1], (x) => normalCdf((x + 4.6) / 0.5))).toBeLessThan(critical);
    expect(ksDistance(cols[2], (x) => normalCdf((Math.log(x) + 3) / 0.4))).toBeLessThan(critical);
    const [a, b] = [normalCdf((12 - 14.5) / 2), normalCdf((20 - 14.5) / 2)];
    expect(ksDistance(cols[3], (x) => (normalCdf((x - 14.5) / 2) - a) / (b - a))).toBeLessThan(critical);
  });

  test('sample moments match prior.mean()/variance() within 4 standard errors, columns uncorrelated', () => {
    const mean = prior.mean();
    const variance = prior.variance();
    const cols = [0, 1, 2, 3].map((j) => column(theta.values, 4, j));
    cols.forEach((c, j) => {
      const m = c.reduce((s, x) => s + x, 0) / n;
      const v = c.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
      expect(Math.abs(m - mean[j])).toBeLessThan(4 * Math.sqrt(variance[j] / n));
      expect(Math.abs(v / variance[j] - 1)).toBeLessThan(0.05);
    });
    const [x, y] = [cols[0], cols[1]];
    const mx = x.reduce((s, v) => s + v, 0) / n;
    const my = y.reduce((s, v) => s + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) ** 2;
      syy += (y[i] - my) ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(4 / Math.sqrt(n));
  });

  test('rejects bad sizes, seeds and offsets with InputError', () => {
    expect(() => prior.sample(-1, 1)).toThrow(InputError);
    expect(() => prior.sample(2.5, 1)).toThrow(/non-negative integer/);
    expect(() => prior.sample(1, NaN)).toThrow(/seed/);
    expect(() => prior.sample(1, 1, -3)).toThrow(/start/);
  });
});

describe('log-density, support, moments', () => {
  const prior = priorFromSpec(spec);

  test('log-density is the sum of the marginal log-densities, computed here from the formulas', () => {
    const row = [0.5, -4.0, 0.05, 15];
    const logNormal = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s * Math.sqrt(2 * Math.PI));
    const z = normalCdf((20 - 14.5) / 2) - normalCdf((12 - 14.5) / 2);
    const expected =
      -Math.log(1.1) +
      logNormal(-4.0, -4.6, 0.5) +
      logNormal(Math.log(0.05), -3, 0.4) - Math.log(0.05) +
      logNormal(15, 14.5, 2) - Math.log(z);
    expect(prior.logDensityRow(row)).toBeCloseTo(expected, 12);
    const table = { names: prior.names, values: Float64Array.from([...row, 2, -4, 0.05, 15]) };
    const logs = prior.logDensity(table);
    expect(logs[0]).toBeCloseTo(expected, 12);
    expect(logs[1]).toBe(-Infinity);
    expect(prior.inSupport(table)).toEqual([true, false]);
    expect(prior.inSupportRow([0.5, -4, -0.1, 15])).toBe(false);
    expect(prior.inSupportRow([0.5, -4, 0.1, 11.9])).toBe(false);
  });

  test('mean, variance and bounds per parameter', () => {
    expect(prior.mean()[0]).toBeCloseTo(0.65, 15);
    expect(Math.sqrt(prior.variance()[0])).toBeCloseTo(1.1 / Math.sqrt(12), 15); // 0.3175, the spec's prior sd
    expect(prior.mean()[2]).toBeCloseTo(Math.exp(-3 + 0.08), 15);
    const { lower, upper } = prior.bounds();
    expect(Array.from(lower)).toEqual([0.1, -Infinity, 0, 12]);
    expect(Array.from(upper)).toEqual([1.2, Infinity, Infinity, 20]);
  });

  test('tables with other columns are refused with the fix', () => {
    expect(() => prior.logDensity({ names: ['model.eta'], values: new Float64Array(1) })).toThrow(/do not match the prior's parameters/);
  });

  test('a grid-only parameter cannot be sampled', () => {
    const gridOnly = parametersSchema.parse([{ path: 'coupling.a', grid: { kind: 'linspace', low: 0, high: 1, n: 3 } }]);
    expect(() => priorFromSpec(gridOnly)).toThrow(/coupling.a have no prior.*fix/);
  });
});

test('two paths whose FNV-1a hashes collide still get independent streams', () => {
  const seen = new Map<number, string>();
  let pair: [string, string] | undefined;
  for (let k = 0; !pair; k++) {
    const path = `model.p${k}`;
    const h = fnv1a32(path);
    const other = seen.get(h);
    if (other !== undefined) pair = [other, path];
    seen.set(h, path);
  }
  const prior = new IndependentPrior(pair, [new Uniform(0, 1), new Uniform(0, 1)]);
  const theta = prior.sample(200, 5);
  let equal = 0;
  for (let i = 0; i < 200; i++) if (theta.values[2 * i] === theta.values[2 * i + 1]) equal++;
  expect(equal).toBe(0);
  // the second path's stream is the next free word after the shared hash
  const u = documentedUniformWithStream(5, 0, (fnv1a32(pair[1]) + 1) >>> 0);
  expect(theta.values[1]).toBe(u);
});
