import { sampleSeed } from '../../src/task/seeds.js';

// SplitMix64's first output for state s is mix(s + 0x9e3779b97f4a7c15); reference outputs from Vigna's
// splitmix64.c: seed 0 → 0xe220a8397b1dcdaf, seed 1234567 → 6457827717110365317. Our seed is that
// 64-bit output folded to 32 bits (high XOR low).
function fold(x: bigint): number {
  return Number((x >> 32n) ^ (x & 0xffffffffn));
}

test('matches published SplitMix64 outputs for state = seed·2^32 + sample', () => {
  expect(sampleSeed(0, 0)).toBe(fold(0xe220a8397b1dcdafn));
  expect(sampleSeed(0, 1234567)).toBe(fold(6457827717110365317n));
});

test('depends on the experiment seed and sample index only, with no collisions over a sweep', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 20000; i++) seen.add(sampleSeed(42, i));
  expect(seen.size).toBe(20000);
  expect(sampleSeed(42, 7)).toBe(sampleSeed(42, 7));
  expect(sampleSeed(42, 7)).not.toBe(sampleSeed(43, 7));
  expect(() => sampleSeed(-1, 0)).toThrow(RangeError);
});
