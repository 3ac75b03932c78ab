/*
 * The `fast` generator's normals: XoshiroZiggurat.fillNormal of ../rng.ts bit for bit, slow path
 * included (its log/exp are V8's, from ieee754.c), so a whole block of draws never leaves wasm.
 * State (rng.ts): four xoshiro128** lanes, word s of lane j at w[4s + j], the lane of the next output at
 * w[16]. Output k comes from lane k mod 4, so groups of four draws advance the lanes together in SIMD;
 * a draw that misses the ziggurat's fast path (1 in 67) is finished from its own lane's stream.
 */
#include "kernel.h"

#define LAYER_MASK 255u
#define MAGNITUDE_SHIFT 8

/* Next output of lane j (xoshiro128**, scalar). */
static unsigned next_of(unsigned *w, int j) {
  const unsigned s1 = w[4 + j];
  const unsigned m = s1 * 5u;
  const unsigned out = ((m << 7) | (m >> 25)) * 9u;
  const unsigned t = s1 << 9;
  w[8 + j] ^= w[j];
  w[12 + j] ^= s1;
  w[4 + j] ^= w[8 + j];
  w[j] ^= w[12 + j];
  w[8 + j] ^= t;
  w[12 + j] = (w[12 + j] << 11) | (w[12 + j] >> 21);
  return out;
}

/* Uniform on (0, 1) from lane j, never 0 (it goes under a logarithm). */
static double uniform_open(unsigned *w, int j) { return ((double)next_of(w, j) + 0.5) / 4294967296.0; }

static const double ZIG_R = 3.6541528853610088;

/* Finishes a draw of lane j whose first output (hz, iz) missed the fast path: rng.ts slowNormal. */
__attribute__((noinline)) static double slow_normal(unsigned *w, int j, int hz, int iz, const int *kn, const double *wn, const double *fn) {
  for (;;) {
    const double x = (double)hz * wn[iz];
    if (iz == 0) { /* the tail beyond ZIG_R (Marsaglia's method) */
      double xt, y;
      do {
        xt = -v8_log(uniform_open(w, j)) / ZIG_R;
        y = -v8_log(uniform_open(w, j));
      } while (y + y < xt * xt);
      return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
    }
    const double f0 = fn[iz];
    if (f0 + uniform_open(w, j) * (fn[iz - 1] - f0) < v8_exp(-0.5 * x * x)) return x;
    const unsigned u = next_of(w, j);
    iz = (int)(u & LAYER_MASK);
    hz = (int)u >> MAGNITUDE_SHIFT;
    if ((hz < 0 ? -hz : hz) < kn[iz]) return (double)hz * wn[iz];
  }
}

/* One draw from the lane at the cursor (rng.ts nextNormal): a group's unaligned head and tail. */
static double one_normal(unsigned *w, const int *kn, const double *wn, const double *fn) {
  const int j = (int)w[16];
  w[16] = (unsigned)(j + 1) & 3u;
  const unsigned u = next_of(w, j);
  const int iz = (int)(u & LAYER_MASK), hz = (int)u >> MAGNITUDE_SHIFT;
  if ((hz < 0 ? -hz : hz) < kn[iz]) return (double)hz * wn[iz];
  return slow_normal(w, j, hz, iz, kn, wn, fn);
}

static inline v128_t rotl(v128_t x, int k) { return wasm_v128_or(wasm_i32x4_shl(x, k), wasm_u32x4_shr(x, 32 - k)); }

/* count normals into out. */
__attribute__((export_name("fillNormal")))
void fill_normal(unsigned *w, double *out, int count, const int *kn, const double *wn, const double *fn) {
  int k = 0;
  while (k < count && w[16] != 0) out[k++] = one_normal(w, kn, wn, fn);
  v128_t s0 = wasm_v128_load(w), s1 = wasm_v128_load(w + 4), s2 = wasm_v128_load(w + 8), s3 = wasm_v128_load(w + 12);
  const v128_t five = wasm_i32x4_splat(5), nine = wasm_i32x4_splat(9), layerMask = wasm_i32x4_splat(LAYER_MASK);
  for (; k + 4 <= count; k += 4) {
    const v128_t m = wasm_i32x4_mul(s1, five);
    const v128_t u = wasm_i32x4_mul(rotl(m, 7), nine);
    const v128_t t = wasm_i32x4_shl(s1, 9);
    s2 = wasm_v128_xor(s2, s0);
    s3 = wasm_v128_xor(s3, s1);
    s1 = wasm_v128_xor(s1, s2);
    s0 = wasm_v128_xor(s0, s3);
    s2 = wasm_v128_xor(s2, t);
    s3 = rotl(s3, 11);
    const v128_t iz = wasm_v128_and(u, layerMask), hz = wasm_i32x4_shr(u, MAGNITUDE_SHIFT);
    const int iz0 = wasm_i32x4_extract_lane(iz, 0), iz1 = wasm_i32x4_extract_lane(iz, 1);
    const int iz2 = wasm_i32x4_extract_lane(iz, 2), iz3 = wasm_i32x4_extract_lane(iz, 3);
    const v128_t fast = wasm_i32x4_lt(wasm_i32x4_abs(hz), wasm_i32x4_make(kn[iz0], kn[iz1], kn[iz2], kn[iz3]));
    *(v2d *)(out + k) = (v2d)wasm_f64x2_convert_low_i32x4(hz) * (v2d){wn[iz0], wn[iz1]};
    *(v2d *)(out + k + 2) = (v2d)wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(hz, hz, 2, 3, 2, 3)) * (v2d){wn[iz2], wn[iz3]};
    if (!wasm_i32x4_all_true(fast)) {
      /* Lanes that missed the fast path continue their own streams from the state in memory. */
      wasm_v128_store(w, s0), wasm_v128_store(w + 4, s1), wasm_v128_store(w + 8, s2), wasm_v128_store(w + 12, s3);
      const int missed = ~wasm_i32x4_bitmask(fast) & 15;
      int hzs[4], izs[4];
      wasm_v128_store(hzs, hz);
      wasm_v128_store(izs, iz);
      for (int j = 0; j < 4; j++)
        if (missed >> j & 1) out[k + j] = slow_normal(w, j, hzs[j], izs[j], kn, wn, fn);
      s0 = wasm_v128_load(w), s1 = wasm_v128_load(w + 4), s2 = wasm_v128_load(w + 8), s3 = wasm_v128_load(w + 12);
    }
  }
  wasm_v128_store(w, s0), wasm_v128_store(w + 4, s1), wasm_v128_store(w + 8, s2), wasm_v128_store(w + 12, s3);
  while (k < count) out[k++] = one_normal(w, kn, wn, fn);
}
