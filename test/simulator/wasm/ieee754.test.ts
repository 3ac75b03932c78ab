import { wasmMath } from '../../../src/simulator/wasm-kernel.js';
import { XoshiroZiggurat } from '../../../src/simulator/rng.js';

// The wasm kernel's log/exp (wasm/ieee754.c) must return V8's Math.log/Math.exp bit for bit: the `fast`
// generator's slow path uses them, and its stream must not depend on which kernel runs. The truth here
// is V8 itself; inputs cover every branch of both algorithms and millions of random doubles.

const { log, exp } = wasmMath();
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** Counts inputs where f and g differ (NaN = NaN; +0 ≠ −0), keeping a few for the message. */
function compare(name: string, f: (x: number) => number, g: (x: number) => number, inputs: Float64Array | number[]) {
  const count = inputs.length;
  const bad: string[] = [];
  for (let k = 0; k < count; k++) {
    const x = inputs[k];
    const a = f(x);
    const b = g(x);
    if (!Object.is(a, b) && bad.length < 5) bad.push(`${name}(${x}) = ${a}, V8 ${b}`);
  }
  return { count, bad };
}

/** A deterministic stream of doubles from raw 64-bit patterns (every exponent, both signs, NaN payloads). */
function randomBitPatterns(count: number, seed: number): Float64Array {
  const g = new XoshiroZiggurat(seed);
  const out = new Float64Array(count);
  const w = new Int32Array(out.buffer);
  for (let k = 0; k < 2 * count; k++) w[k] = g.nextI32();
  return out;
}

function uniformIn(count: number, lo: number, hi: number, seed: number): Float64Array {
  const g = new XoshiroZiggurat(seed);
  return Float64Array.from({ length: count }, () => lo + (hi - lo) * ((g.nextI32() >>> 0) / 2 ** 32 + (g.nextI32() >>> 0) / 2 ** 64));
}

/** x and its neighbours a few ulps away on both sides. */
function around(xs: number[], ulps: number): number[] {
  const out: number[] = [];
  for (const x of xs) {
    bits[0] = x;
    const lo = words[0];
    const hi = words[1];
    for (let d = -ulps; d <= ulps; d++) {
      const l = lo + d;
      words[0] = l >>> 0;
      words[1] = hi + (l < 0 ? -1 : l > 0xffffffff ? 1 : 0);
      out.push(bits[0]);
    }
  }
  return out;
}

const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Math.E, Math.SQRT2, Math.SQRT1_2, 0.5, 2];

describe('wasm log and exp equal V8 Math.log and Math.exp bit for bit', () => {
  test('log: 2 million random bit patterns, subnormals, near 1, near √2 and √2/2, powers of two, huge', () => {
    const f = (x: number) => log(x);
    const subnormals = Array.from({ length: 200 }, (_, k) => Number.MIN_VALUE * (1 + k * 7919) * 2 ** (k % 40));
    const powers = Array.from({ length: 2098 }, (_, k) => 2 ** (k - 1074));
    const runs = [
      compare('log', f, Math.log, randomBitPatterns(2_000_000, 1)),
      compare('log', f, Math.log, uniformIn(300_000, 0, 1, 2)), // the ziggurat's uniforms
      compare('log', f, Math.log, uniformIn(200_000, 1 - 2 ** -19, 1 + 2 ** -19, 3)), // |f| < 2^-20 branch
      compare('log', f, Math.log, uniformIn(200_000, 0.6, 1.6, 4)), // both polynomial forms
      compare('log', f, Math.log, around([...special, ...powers, ...subnormals, 1.4142135623730951 * 2 ** 30, 0.7071067811865476 * 2 ** -30], 40)),
      compare('log', f, Math.log, uniformIn(100_000, 1e300, 1.7e308, 5)),
    ];
    expect(runs.flatMap((r) => r.bad)).toEqual([]);
    expect(runs.reduce((c, r) => c + r.count, 0)).toBeGreaterThan(2_900_000);
  });

  test('exp: 2 million random bit patterns, the ziggurat range, reduction boundaries, overflow and underflow', () => {
    const f = (x: number) => exp(x);
    const ln2 = Math.LN2;
    const boundaries = [0.5 * ln2, 1.5 * ln2, 2 ** -28, 709.782712893384, -745.1332191019412, -708.39641853226408, 1, -1, ...Array.from({ length: 200 }, (_, k) => (k - 100) * ln2)];
    const runs = [
      compare('exp', f, Math.exp, randomBitPatterns(2_000_000, 6)),
      compare('exp', f, Math.exp, uniformIn(400_000, -0.5 * 3.45 * 3.45, 0, 7)), // -x²/2 on the ziggurat's layers
      compare('exp', f, Math.exp, uniformIn(200_000, -746, 710, 8)),
      compare('exp', f, Math.exp, uniformIn(100_000, -1e-8, 1e-8, 9)),
      compare('exp', f, Math.exp, around([...special, ...boundaries, ...boundaries.map((x) => -x)], 40)),
    ];
    expect(runs.flatMap((r) => r.bad)).toEqual([]);
  });

  test('the tests can fail: a one-ulp change is reported', () => {
    const off = compare('log', (x) => log(x) * (1 + Number.EPSILON), Math.log, [3, 7, 11]);
    expect(off.bad.length).toBe(3);
  });
});
