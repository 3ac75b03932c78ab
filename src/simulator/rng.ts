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
 * - `fast` (default): four xoshiro128** streams (Blackman & Vigna) seeded through splitmix32, output k
 *   from stream k mod 4 (so SIMD can advance all four at once), normals by the Marsaglia–Tsang ziggurat
 *   (256 layers). The layer index comes from the low 8 bits and a signed 24-bit magnitude from the high
 *   bits of one output, so index and value never share bits (the correlation Doornik 2005 found in the
 *   original).
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

// Ziggurat tables (Marsaglia & Tsang 2000, 256 layers), scaled for a signed 24-bit magnitude.
const ZIG_LAYERS = 256;
const ZIG_R = 3.6541528853610088;
const ZIG_V = 0.00492867323399;
const ZIG_M = 8388608; // 2²³
const kn = new Int32Array(ZIG_LAYERS);
const wn = new Float64Array(ZIG_LAYERS);
const fn = new Float64Array(ZIG_LAYERS);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * ZIG_M);
  kn[1] = 0;
  wn[0] = q / ZIG_M;
  wn[ZIG_LAYERS - 1] = dn / ZIG_M;
  fn[0] = 1;
  fn[ZIG_LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
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

/** Words of a `fast` generator's state (saveState): 4 lanes × 4 xoshiro words, then the next lane. */
export const fastStateWords = 17;

/**
 * Four xoshiro128** streams (lanes) with ziggurat normals. Output k of the generator comes from lane
 * k mod 4, and a draw that misses the ziggurat's fast path takes its extra outputs from its own lane, so
 * the lanes never interleave within a draw: the WebAssembly copy (wasm/normal.c) advances the four lanes
 * together in SIMD and gives the same stream.
 */
export class XoshiroZiggurat implements RandomSource {
  /** Word s of lane j at [4s + j]; the lane of the next output at [16]. */
  private readonly w = new Int32Array(fastStateWords);
  /** fillUniform's outputs, made on first use. */
  private scratch?: Int32Array;

  constructor(seed: number) {
    // splitmix32 expands the seed into the lanes' state words, lane by lane.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    for (let j = 0; j < 4; j++) for (let word = 0; word < 4; word++) this.w[4 * word + j] = next();
  }

  /** Next output of lane j as a signed 32-bit integer (xoshiro128**). */
  private nextOf(j: number): number {
    const w = this.w;
    const s1 = w[4 + j];
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    w[8 + j] ^= w[j];
    w[12 + j] ^= s1;
    w[4 + j] ^= w[8 + j];
    w[j] ^= w[12 + j];
    w[8 + j] ^= t;
    w[12 + j] = (w[12 + j] << 11) | (w[12 + j] >>> 21);
    return result;
  }

  /** The next lane, advancing the cursor. */
  private takeLane(): number {
    const j = this.w[16];
    this.w[16] = (j + 1) & 3;
    return j;
  }

  /** The generator's next output as a signed 32-bit integer. */
  nextI32(): number {
    return this.nextOf(this.takeLane());
  }

  /**
   * The next `count` outputs into out[0 .. count), as `nextI32` would give them: whole groups of four
   * lane by lane with the lane's state in locals (the history fill draws millions), the rest one by one.
   */
  private fillOutputs(out: Int32Array, count: number): void {
    const w = this.w;
    let k = 0;
    while (k < count && w[16] !== 0) out[k++] = this.nextI32();
    const groups = Math.floor((count - k) / 4);
    for (let j = 0; j < 4; j++) {
      let s0 = w[j], s1 = w[4 + j], s2 = w[8 + j], s3 = w[12 + j];
      for (let g = 0, at = k + j; g < groups; g++, at += 4) {
        const m = Math.imul(s1, 5);
        out[at] = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
      }
      w[j] = s0, w[4 + j] = s1, w[8 + j] = s2, w[12 + j] = s3;
    }
    for (k += 4 * groups; k < count; k++) out[k] = this.nextI32();
  }

  /** Uniform on (0, 1) from lane j, never 0 (used under a logarithm). */
  private uniformOpen(j: number): number {
    return ((this.nextOf(j) >>> 0) + 0.5) / 4294967296;
  }

  nextNormal(): number {
    const j = this.takeLane();
    const u = this.nextOf(j);
    const iz = u & 255;
    const hz = u >> 8;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    return this.slowNormal(j, hz, iz);
  }

  /** Copies the generator state to `out[at .. at + fastStateWords)` (the WebAssembly path continues from it). */
  saveState(out: Int32Array, at: number): void {
    out.set(this.w, at);
  }

  /** Finishes a draw of lane j whose first output (hz, iz) missed the ziggurat's fast path. */
  private slowNormal(j: number, hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    for (;;) {
      const x = hz * wn[iz];
      if (iz === 0) {
        let xt: number, y: number;
        do {
          xt = -Math.log(this.uniformOpen(j)) / ZIG_R;
          y = -Math.log(this.uniformOpen(j));
        } while (y + y < xt * xt);
        return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
      }
      if (fn[iz] + this.uniformOpen(j) * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      const u = this.nextOf(j);
      iz = u & 255;
      hz = u >> 8;
      if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    }
  }

  fillNormal(out: Float64Array, offset: number, count: number): void {
    for (let k = 0; k < count; k++) out[offset + k] = this.nextNormal();
  }

  /** 53-bit uniforms from two outputs each (numpy's recipe), in chunks through `fillOutputs`. */
  fillUniform(out: Float64Array, offset: number, count: number, lo: number, hi: number): void {
    const words = (this.scratch ??= new Int32Array(4096));
    for (let done = 0; done < count; ) {
      const m = Math.min(count - done, words.length / 2);
      this.fillOutputs(words, 2 * m);
      for (let k = 0; k < m; k++) {
        const a = (words[2 * k] >>> 5) * 67108864 + (words[2 * k + 1] >>> 6);
        out[offset + done + k] = lo + ((hi - lo) * a) / 9007199254740992;
      }
      done += m;
    }
  }
}
