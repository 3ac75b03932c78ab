/**
 * Seeded random generators for the simulator's initial history and noise. Both are pure integer
 * arithmetic plus V8's software (fdlibm) Math.log/exp/sqrt, so a seed gives the same stream on every
 * platform.
 *
 * - `numpy`: numpy's legacy `RandomState(seed)`: MT19937 seeded with `init_genrand`, 53-bit doubles
 *   `(a·2²⁶ + b)/2⁵³`, and normals by the legacy polar method that returns f·x2 and caches f·x1
 *   (shared/spec/tvb-mpr.md §10). Uniforms are bit-identical to numpy; normals agree to the last ulp
 *   (V8's log can differ from C's by one ulp). Drawn in TVB's reference-backend order, a run sees the
 *   same random numbers as TVB with the same `noise_seed`.
 * - `fast` (default): xoshiro128** (Blackman & Vigna) seeded through splitmix32, normals by the
 *   Marsaglia–Tsang ziggurat (128 layers). The layer index comes from the low 7 bits and a signed 25-bit
 *   magnitude from the high bits of one output, so index and value never share bits (the correlation
 *   Doornik 2005 found in the original). About 4× faster than `numpy`.
 */
export type RngKind = 'fast' | 'numpy';

export interface RandomSource {
  /** Fills `out[offset .. offset+count)` with standard normal draws. */
  fillNormal(out: Float64Array, offset: number, count: number): void;
  /** Fills with uniform draws on [lo, hi). */
  fillUniform(out: Float64Array, offset: number, count: number, lo: number, hi: number): void;
}

export function createRandom(kind: RngKind, seed: number): RandomSource {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed ${seed} must be an integer in [0, 2^32)`);
  return kind === 'numpy' ? new NumpyRandomState(seed) : new XoshiroZiggurat(seed);
}

/** numpy.random.RandomState (legacy MT19937) — doubles and normals bit-identical to numpy. */
export class NumpyRandomState implements RandomSource {
  private readonly mt = new Uint32Array(624);
  private mti = 624;
  private hasGauss = false;
  private gauss = 0;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 · prev + i (mod 2³²), with the product split to stay exact in doubles.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private reload(): void {
    const mt = this.mt;
    for (let k = 0; k < 624; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
      mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.mti = 0;
  }

  nextU32(): number {
    if (this.mti >= 624) this.reload();
    let y = this.mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  nextDouble(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  fillNormal(out: Float64Array, offset: number, count: number): void {
    for (let k = 0; k < count; k++) out[offset + k] = this.nextNormal();
  }

  fillUniform(out: Float64Array, offset: number, count: number, lo: number, hi: number): void {
    for (let k = 0; k < count; k++) out[offset + k] = lo + (hi - lo) * this.nextDouble();
  }
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers), scaled for a signed 25-bit magnitude.
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_M = 16777216; // 2²⁴
const kn = new Int32Array(128);
const wn = new Float64Array(128);
const fn = new Float64Array(128);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * ZIG_M);
  kn[1] = 0;
  wn[0] = q / ZIG_M;
  wn[127] = dn / ZIG_M;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * ZIG_M);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / ZIG_M;
  }
}

/** The ziggurat tables (for the WebAssembly copy of the generator, wasm/normal.c). */
export function zigguratTables(): { kn: Int32Array; wn: Float64Array; fn: Float64Array } {
  return { kn, wn, fn };
}

/** xoshiro128** with ziggurat normals. */
export class XoshiroZiggurat implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 expands the seed into four non-zero state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Next output as a signed 32-bit integer. */
  nextI32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform on (0, 1), never 0 (used under a logarithm). */
  private uniformOpen(): number {
    return ((this.nextI32() >>> 0) + 0.5) / 4294967296;
  }

  nextNormal(): number {
    const u = this.nextI32();
    const iz = u & 127;
    const hz = u >> 7;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    return this.slowNormal(hz, iz);
  }

  /** Copies the generator state to `out[at .. at+4)` (the WebAssembly fast path continues from it). */
  saveState(out: Int32Array, at: number): void {
    out[at] = this.s0;
    out[at + 1] = this.s1;
    out[at + 2] = this.s2;
    out[at + 3] = this.s3;
  }

  loadState(from: Int32Array, at: number): void {
    this.s0 = from[at];
    this.s1 = from[at + 1];
    this.s2 = from[at + 2];
    this.s3 = from[at + 3];
  }

  /** Finishes a draw whose first output (hz, iz) missed the ziggurat's fast path. */
  slowNormal(hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    for (;;) {
      const x = hz * wn[iz];
      if (iz === 0) {
        let xt: number, y: number;
        do {
          xt = -Math.log(this.uniformOpen()) / ZIG_R;
          y = -Math.log(this.uniformOpen());
        } while (y + y < xt * xt);
        return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
      }
      if (fn[iz] + this.uniformOpen() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      const u = this.nextI32();
      iz = u & 127;
      hz = u >> 7;
      if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    }
  }

  /** The ziggurat's fast path with the generator state in locals (the hot loop of every noisy step). */
  fillNormal(out: Float64Array, offset: number, count: number): void {
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (let k = 0; k < count; k++) {
      const m = Math.imul(s1, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const iz = u & 127;
      const hz = u >> 7;
      if (Math.abs(hz) < kn[iz]) {
        out[offset + k] = hz * wn[iz];
      } else {
        this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
        out[offset + k] = this.slowNormal(hz, iz);
        s0 = this.s0; s1 = this.s1; s2 = this.s2; s3 = this.s3;
      }
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
  }

  fillUniform(out: Float64Array, offset: number, count: number, lo: number, hi: number): void {
    for (let k = 0; k < count; k++) {
      const a = (this.nextI32() >>> 5) * 67108864 + (this.nextI32() >>> 6);
      out[offset + k] = lo + ((hi - lo) * a) / 9007199254740992;
    }
  }
}
