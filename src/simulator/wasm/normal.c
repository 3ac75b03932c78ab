/*
 * xoshiro128** + ziggurat normals: XoshiroZiggurat.fillNormal of ../rng.ts bit for bit, slow path
 * included (its log/exp are V8's, from ieee754.c), so a whole block of draws never leaves wasm.
 */
#include "kernel.h"

/* One xoshiro128** output; state words st[0..3]. */
static inline unsigned next_u32(unsigned *st) {
  const unsigned s1 = st[1];
  const unsigned m = s1 * 5u;
  const unsigned out = ((m << 7) | (m >> 25)) * 9u;
  const unsigned t = s1 << 9;
  st[2] ^= st[0];
  st[3] ^= s1;
  st[1] ^= st[2];
  st[0] ^= st[3];
  st[2] ^= t;
  st[3] = (st[3] << 11) | (st[3] >> 21);
  return out;
}

/* Uniform on (0, 1), never 0 (it goes under a logarithm). */
static double uniform_open(unsigned *st) { return ((double)next_u32(st) + 0.5) / 4294967296.0; }

static const double ZIG_R = 3.442619855899;

/* Finishes a draw whose first output (hz, iz) missed the fast path: rng.ts slowNormal, step for step. */
static double slow_normal(unsigned *st, int hz, int iz, const int *kn, const double *wn, const double *fn) {
  for (;;) {
    const double x = (double)hz * wn[iz];
    if (iz == 0) { /* the tail beyond ZIG_R (Marsaglia's method) */
      double xt, y;
      do {
        xt = -v8_log(uniform_open(st)) / ZIG_R;
        y = -v8_log(uniform_open(st));
      } while (y + y < xt * xt);
      return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
    }
    const double f0 = fn[iz];
    if (f0 + uniform_open(st) * (fn[iz - 1] - f0) < v8_exp(-0.5 * x * x)) return x;
    const unsigned u = next_u32(st);
    iz = (int)(u & 127u);
    hz = (int)u >> 7;
    if ((hz < 0 ? -hz : hz) < kn[iz]) return (double)hz * wn[iz];
  }
}

/* count normals into out; the state stays in locals on the fast path (35 of 36 draws). */
__attribute__((export_name("fillNormal")))
void fill_normal(unsigned *st, double *out, int count, const int *kn, const double *wn, const double *fn) {
  unsigned s[4] = {st[0], st[1], st[2], st[3]};
  for (int k = 0; k < count; k++) {
    const unsigned u = next_u32(s);
    const int iz = (int)(u & 127u);
    const int hz = (int)u >> 7;
    out[k] = (hz < 0 ? -hz : hz) < kn[iz] ? (double)hz * wn[iz] : slow_normal(s, hz, iz, kn, wn, fn);
  }
  st[0] = s[0], st[1] = s[1], st[2] = s[2], st[3] = s[3];
}
