/**
 * The noise seed of one simulation, derived from the experiment seed and the sample index only — never
 * from the chunk, attempt or batch — so a sample gives the same result however the sweep is chunked and
 * however often it is retried. SplitMix64 finaliser (Steele, Lea & Flood 2014) over `seed·2^32 + index`,
 * in 64-bit BigInt arithmetic (exact on every platform), folded to an unsigned 32-bit seed.
 */
const MASK = (1n << 64n) - 1n;

export function sampleSeed(experimentSeed: number, sampleIndex: number): number {
  if (!Number.isInteger(experimentSeed) || experimentSeed < 0 || !Number.isInteger(sampleIndex) || sampleIndex < 0) {
    throw new RangeError(`seed ${experimentSeed} and sample ${sampleIndex} must be non-negative integers`);
  }
  let z = ((BigInt(experimentSeed) << 32n) + BigInt(sampleIndex) + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  z ^= z >> 31n;
  return Number((z ^ (z >> 32n)) & 0xffffffffn);
}
