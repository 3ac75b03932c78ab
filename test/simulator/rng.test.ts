import { createRandom, NumpyRandomState, XoshiroZiggurat } from '../../src/simulator/rng.js';

// Reference values printed by numpy 2.4.6 (legacy numpy.random.RandomState), an independent implementation:
//   r = RandomState(42); r.uniform(0, 2, size=5); r.normal(size=7)
//   RandomState(2**32 - 1).normal(size=3)
//   RandomState(7).normal(size=2000): element 1999 and the sum
const numpy = {
  seed42: {
    uniform: [0.749080237694725, 1.9014286128198323, 1.4639878836228102, 1.1973169683940732, 0.31203728088487304],
    normal: [0.2790412922001377, 1.0105152848065264, -0.580878134023515, -0.5251698071781478, -0.5713801657541415, -0.9240828377471049, -2.6125490126936013],
  },
  seedMax: [0.6484086742306527, 0.6693235306338161, -1.0805437227474493],
  seed7: { index1999: -0.2104789284916715, sum: -73.39682208259184 },
};

describe('numpy legacy RandomState', () => {
  test('uniform draws equal numpy bit for bit, normals to the last ulp', () => {
    const r = new NumpyRandomState(42);
    const u = new Float64Array(5);
    r.fillUniform(u, 0, 5, 0, 2);
    expect(Array.from(u)).toEqual(numpy.seed42.uniform);
    const z = new Float64Array(7);
    r.fillNormal(z, 0, 7);
    // The doubles feeding the polar method are exact; V8's log may differ from C's by one ulp.
    z.forEach((v, i) => expect(Math.abs(v - numpy.seed42.normal[i])).toBeLessThanOrEqual(4e-16 * Math.abs(v)));
  });

  test('the well-known seed-42 standard normals', () => {
    const z = new Float64Array(5);
    new NumpyRandomState(42).fillNormal(z, 0, 5);
    const want = [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597];
    z.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(4e-16 * Math.abs(v)));
  });

  test('largest seed and a long stream (state reloads)', () => {
    const z = new Float64Array(3);
    new NumpyRandomState(0xffffffff).fillNormal(z, 0, 3);
    z.forEach((v, i) => expect(Math.abs(v - numpy.seedMax[i])).toBeLessThanOrEqual(4e-16 * Math.abs(v)));
    const long = new Float64Array(2000);
    new NumpyRandomState(7).fillNormal(long, 0, 2000);
    expect(Math.abs(long[1999] - numpy.seed7.index1999)).toBeLessThanOrEqual(1e-15);
    expect(long.reduce((a, b) => a + b, 0)).toBeCloseTo(numpy.seed7.sum, 9);
  });
});

/** Standard normal CDF via erfc (W. J. Cody's rational approximations are overkill here: |error| < 1.2e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('fast generator (four xoshiro128** lanes + ziggurat)', () => {
  const n = 400_000;
  const z = new Float64Array(n);
  new XoshiroZiggurat(12345).fillNormal(z, 0, n);

  test('moments of N(0, 1)', () => {
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const x of z) {
      m1 += x;
      m2 += x * x;
      m3 += x * x * x;
      m4 += x * x * x * x;
    }
    const se = 1 / Math.sqrt(n);
    expect(Math.abs(m1 / n)).toBeLessThan(5 * se);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * Math.SQRT2 * se);
    expect(Math.abs(m3 / n)).toBeLessThan(5 * Math.sqrt(15) * se);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96) * se);
  });

  test('Kolmogorov–Smirnov distance to the normal CDF, and the tail beyond the base layer', () => {
    const s = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const c = phi(s[i]);
      d = Math.max(d, Math.abs(c - i / n), Math.abs((i + 1) / n - c));
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(n)); // 0.1 % critical value
    const tail = z.filter((x) => Math.abs(x) > 3.6541528853610088).length / n;
    const want = 2 * (1 - phi(3.6541528853610088));
    expect(Math.abs(tail - want)).toBeLessThan(5 * Math.sqrt(want / n));
  });

  test('uniforms lie in [lo, hi) with the right mean; seeds are reproducible and distinct', () => {
    const u = new Float64Array(100_000);
    createRandom('fast', 1).fillUniform(u, 0, u.length, -2, 1.5);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(1.5);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length + 0.25)).toBeLessThan(0.02);
    const a = new Float64Array(10), b = new Float64Array(10), c = new Float64Array(10);
    createRandom('fast', 5).fillNormal(a, 0, 10);
    createRandom('fast', 5).fillNormal(b, 0, 10);
    createRandom('fast', 6).fillNormal(c, 0, 10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test('uniforms are two outputs each, in stream order, whatever the lane the fill starts at', () => {
    for (const skip of [0, 1, 3]) {
      const bulk = new XoshiroZiggurat(9);
      const oneByOne = new XoshiroZiggurat(9);
      for (let k = 0; k < skip; k++) expect(bulk.nextI32()).toBe(oneByOne.nextI32());
      const got = new Float64Array(5001); // more than one chunk of outputs, an odd count
      bulk.fillUniform(got, 0, got.length, -2, 1.5);
      for (let k = 0; k < got.length; k++) {
        const a = (oneByOne.nextI32() >>> 5) * 67108864 + (oneByOne.nextI32() >>> 6);
        expect(got[k]).toBe(-2 + (3.5 * a) / 9007199254740992);
      }
      expect(bulk.nextI32()).toBe(oneByOne.nextI32()); // both streams end at the same place
    }
  });

  test('rejects a bad seed', () => {
    expect(() => createRandom('fast', -1)).toThrow(/seed/);
    expect(() => createRandom('numpy', 1.5)).toThrow(/seed/);
  });
});
