/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror & Shaw (SC'11, "Parallel random
 * numbers: as easy as 1, 2, 3"), written with 32-bit integer arithmetic only so every machine and every
 * JavaScript engine produces the same bits. A draw is a pure function of (key, counter): any row of a
 * sample table can be regenerated on its own, whichever chunk or process asks for it.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO16 = 0x10000;

/** High 32 bits of the unsigned 64-bit product a·b, from 16-bit halves (every partial product is exact in a double). */
function mulHi32(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const carry = Math.floor((aLo * bLo) / TWO16);
  const middle = aHi * bLo + aLo * bHi + carry;
  return (aHi * bHi + Math.floor(middle / TWO16)) >>> 0;
}

/**
 * Encrypts the 128-bit `counter` (four uint32 words) under the 64-bit `key` (two words) with 10 Philox
 * rounds and writes four uint32 words into `out`.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulHi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

const TWO26 = 67108864;
const TWO52 = 4503599627370496;

/**
 * A uniform number in the open interval (0, 1) from two uint32 words: the top 26 bits of `a` and of `b`
 * form a 52-bit integer k, and u = (k + ½)/2^52, exact in a double (53 bits would make the top value round
 * to 1). Never exactly 0 or 1, so quantile functions are always finite.
 */
export function uniformOpen(a: number, b: number): number {
  const k = (a >>> 6) * TWO26 + (b >>> 6);
  return (k + 0.5) / TWO52;
}

/** Splits a non-negative safe integer into its low and high uint32 words (used for seeds and row indexes). */
export function splitUint53(value: number): [number, number] {
  return [value >>> 0, Math.floor(value / 4294967296) >>> 0];
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units: names a parameter's random stream by its path. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
