import { fnv1a32, philox4x32, splitUint53, uniformOpen } from '../../src/prior/philox.js';
import { philoxBigInt } from './reference-philox.js';

describe('philox4x32', () => {
  const out = new Uint32Array(4);

  test('matches the Random123 known-answer vectors', () => {
    philox4x32(0, 0, 0, 0, 0, 0, out);
    expect(Array.from(out)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect(Array.from(out)).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(Array.from(out)).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  test('agrees with a BigInt implementation on 2000 pseudo-random counters and keys', () => {
    let state = 0x12345678;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    for (let trial = 0; trial < 2000; trial++) {
      const c = [next(), next(), next(), next()];
      const k = [next(), next()];
      philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out);
      const expected = philoxBigInt(c.map(BigInt), k.map(BigInt)).map(Number);
      expect(Array.from(out)).toEqual(expected);
    }
  });
});

describe('uniformOpen', () => {
  test('maps the extreme words strictly inside (0, 1) and is the 52-bit midpoint rule', () => {
    expect(uniformOpen(0, 0)).toBe(0.5 / 2 ** 52);
    expect(uniformOpen(0xffffffff, 0xffffffff)).toBe((2 ** 52 - 0.5) / 2 ** 52);
    expect(uniformOpen(0xffffffff, 0xffffffff)).toBeLessThan(1);
    // k = (a >>> 6)·2^26 + (b >>> 6): a = 2^31 alone sets the top bit of k, i.e. u ≈ ½.
    expect(uniformOpen(0x80000000, 0)).toBe((2 ** 51 + 0.5) / 2 ** 52);
    // the low 6 bits of each word are dropped
    expect(uniformOpen(0x3f, 0x3f)).toBe(uniformOpen(0, 0));
    expect(uniformOpen(0, 0x40)).toBe(1.5 / 2 ** 52);
  });
});

describe('helpers', () => {
  test('fnv1a32 reproduces the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
  test('splitUint53 splits into low and high words', () => {
    expect(splitUint53(0)).toEqual([0, 0]);
    expect(splitUint53(2 ** 32 + 7)).toEqual([7, 1]);
    expect(splitUint53(Number.MAX_SAFE_INTEGER)).toEqual([0xffffffff, 0x1fffff]);
  });
});
