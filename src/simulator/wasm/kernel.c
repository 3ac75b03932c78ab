/*
 * WebAssembly kernels of the MPR simulator (the same arithmetic as ../kernel.ts, operation for
 * operation, so results are bit-identical to the JavaScript path: built with -ffp-contract=off, no
 * fast-math, so clang may vectorise across simulations but never reorders or fuses a sum).
 * Only r coupling (cv = 0 everywhere), the sweep's case; V coupling stays on the JavaScript path.
 * Arrays follow the layouts documented on BatchState in ../kernel.ts. Rebuild: scripts/build-simulator-wasm.sh.
 */
#include <wasm_simd128.h>

/* Two simulations' values (f64x2); aligned(8): node-major rows of B values start at any double. */
typedef double v2d __attribute__((vector_size(16), aligned(8)));

typedef struct {
  int B, n, ring, block;
  const int *longRowStart, *longSource, *longDelay;
  const double *longWeight;
  const int *shortRowStart, *shortSourceRow, *shortDelay;
  const double *shortWeight;
  double *histR, *blockR, *r, *V, *z, *accR;
  const double *invTau, *deltaOverPiTau, *pi2Tau2, *jTau, *etaPlusI, *cr, *cv, *a, *b, *noiseR, *noiseV;
} State;

static inline v2d ld(const double *p) { return *(const v2d *)p; }
static inline void st(double *p, v2d v) { *(v2d *)p = v; }
static inline v2d splat(double x) { return (v2d){x, x}; }
/* x < 0 ? 0 : x per lane, as the scalar `if (x < 0) x = 0` (NaN and -0 pass through unchanged). */
static inline v2d clip0(v2d x) { return (v2d)wasm_f64x2_pmax((v128_t)x, wasm_f64x2_splat(0)); }

static int window_start(int k0, int d, int ring) {
  int slot = (k0 - 1 - d) % ring;
  return slot < 0 ? slot + ring : slot;
}

static void add_connection(const State *s, int c, int i, int k0, int len) {
  const int B = s->B, ring = s->ring;
  const double w = s->longWeight[c];
  const int rowBase = s->longSource[c] * ring;
  const int slot = window_start(k0, s->longDelay[c], ring);
  const int accBase = i * s->block * B;
  const int first = len < ring - slot ? len : ring - slot;
  double *blockR = s->blockR;
  const double *h = s->histR + (rowBase + slot) * B - accBase;
  for (int x = accBase; x < accBase + first * B; x++) blockR[x] += w * h[x];
  if (first < len) {
    h = s->histR + rowBase * B - (accBase + first * B);
    for (int x = accBase + first * B; x < accBase + len * B; x++) blockR[x] += w * h[x];
  }
}

/* acc[x] += w0·h0[x] + w1·h1[x] + w2·h2[x] + w3·h3[x]; restrict: the block sums never alias the history. */
static void sum4(double *restrict acc, const double *restrict h0, const double *restrict h1, const double *restrict h2,
                 const double *restrict h3, double w0, double w1, double w2, double w3, int span) {
  for (int x = 0; x < span; x++) acc[x] += w0 * h0[x] + w1 * h1[x] + w2 * h2[x] + w3 * h3[x];
}

__attribute__((export_name("accumulateBlock")))
void accumulate_block(const State *s, int k0, int len) {
  const int B = s->B, n = s->n, ring = s->ring, block = s->block;
  const int *rowStart = s->longRowStart, *source = s->longSource, *delay = s->longDelay;
  const double *weight = s->longWeight, *histR = s->histR;
  double *blockR = s->blockR;
  const int span = len * B;
  for (int x = 0; x < n * block * B; x++) blockR[x] = 0;
  for (int i = 0; i < n; i++) {
    const int accBase = i * block * B;
    const int c1 = rowStart[i + 1];
    int c = rowStart[i];
    for (; c + 3 < c1; c += 4) {
      const int s0 = window_start(k0, delay[c], ring);
      const int s1 = window_start(k0, delay[c + 1], ring);
      const int s2 = window_start(k0, delay[c + 2], ring);
      const int s3 = window_start(k0, delay[c + 3], ring);
      if (s0 + len > ring || s1 + len > ring || s2 + len > ring || s3 + len > ring) {
        for (int u = 0; u < 4; u++) add_connection(s, c + u, i, k0, len);
        continue;
      }
      const double w0 = weight[c], w1 = weight[c + 1], w2 = weight[c + 2], w3 = weight[c + 3];
      const double *h0 = histR + (source[c] * ring + s0) * B;
      const double *h1 = histR + (source[c + 1] * ring + s1) * B;
      const double *h2 = histR + (source[c + 2] * ring + s2) * B;
      const double *h3 = histR + (source[c + 3] * ring + s3) * B;
      sum4(blockR + accBase, h0, h1, h2, h3, w0, w1, w2, w3, span);
    }
    for (; c < c1; c++) add_connection(s, c, i, k0, len);
  }
}

/* The short-delay coupling sum of node i for one simulation, connections in order (as kernel.ts). */
static double short_sum(const State *s, int i, int prev, double start) {
  double sr = start;
  for (int c = s->shortRowStart[i]; c < s->shortRowStart[i + 1]; c++) {
    int slot = prev - s->shortDelay[c];
    slot += (slot >> 31) & s->ring;
    sr += s->shortWeight[c] * s->histR[s->shortSourceRow[c] + slot];
  }
  return sr;
}

/*
 * One simulation (B = 1): every node's coupling first (accR has n places), then the node update two
 * nodes at a time in f64x2 — the same operations per node as heun_step, so the same numbers; only
 * independent nodes share a vector, which hides the latency of the update's dependency chain.
 */
static void heun_single(const State *s, int k, int blockStart, double dt) {
  const int n = s->n, ring = s->ring, block = s->block;
  const double hdt = 0.5 * dt;
  const int prev = (k - 1) % ring;
  const int cur = k % ring;
  const int t = k - blockStart;
  double *restrict acc = s->accR;
  for (int i = 0; i < n; i++) acc[i] = short_sum(s, i, prev, s->blockR[i * block + t]);
  const double *restrict z = s->z + t * 2 * n;
  const double *restrict invTau = s->invTau, *restrict deltaOverPiTau = s->deltaOverPiTau, *restrict pi2Tau2 = s->pi2Tau2;
  const double *restrict jTau = s->jTau, *restrict etaPlusI = s->etaPlusI, *restrict cr = s->cr, *restrict cv = s->cv;
  double *restrict r = s->r, *restrict V = s->V, *restrict histR = s->histR;
  const v2d a = splat(s->a[0]), b = splat(s->b[0]), noiseR = splat(s->noiseR[0]), noiseV = splat(s->noiseV[0]);
  const v2d two = splat(2), vdt = splat(dt), vhdt = splat(hdt);
  int i = 0;
  for (; i + 1 < n; i += 2) {
    const v2d r0 = ld(r + i);
    const v2d V0 = ld(V + i);
    const v2d couplingR = a * ld(acc + i) + b;
    const v2d couplingV = splat(0);
    const v2d zr = ld(z + i) * noiseR;
    const v2d zv = ld(z + n + i) * noiseV;
    const v2d it = ld(invTau + i);
    const v2d D = ld(deltaOverPiTau + i);
    const v2d P = ld(pi2Tau2 + i);
    const v2d Jt = ld(jTau + i);
    const v2d E = ld(etaPlusI + i) + ld(cr + i) * couplingR + ld(cv + i) * couplingV;
    const v2d dr0 = (D + two * V0 * r0) * it;
    const v2d dV0 = (V0 * V0 - P * r0 * r0 + Jt * r0 + E) * it;
    const v2d ri = clip0(r0 + vdt * dr0 + zr);
    const v2d Vi = V0 + vdt * dV0 + zv;
    const v2d dr1 = (D + two * Vi * ri) * it;
    const v2d dV1 = (Vi * Vi - P * ri * ri + Jt * ri + E) * it;
    const v2d rn = clip0(r0 + vhdt * (dr0 + dr1) + zr);
    const v2d Vn = V0 + vhdt * (dV0 + dV1) + zv;
    st(r + i, rn);
    st(V + i, Vn);
    histR[i * ring + cur] = rn[0];
    histR[(i + 1) * ring + cur] = rn[1];
  }
  for (; i < n; i++) {
    const double r0 = r[i];
    const double V0 = V[i];
    const double couplingR = s->a[0] * acc[i] + s->b[0];
    const double couplingV = 0;
    const double zr = z[i] * s->noiseR[0];
    const double zv = z[n + i] * s->noiseV[0];
    const double it = invTau[i];
    const double D = deltaOverPiTau[i];
    const double P = pi2Tau2[i];
    const double Jt = jTau[i];
    const double E = etaPlusI[i] + cr[i] * couplingR + cv[i] * couplingV;
    const double dr0 = (D + 2 * V0 * r0) * it;
    const double dV0 = (V0 * V0 - P * r0 * r0 + Jt * r0 + E) * it;
    double ri = r0 + dt * dr0 + zr;
    if (ri < 0) ri = 0;
    const double Vi = V0 + dt * dV0 + zv;
    const double dr1 = (D + 2 * Vi * ri) * it;
    const double dV1 = (Vi * Vi - P * ri * ri + Jt * ri + E) * it;
    double rn = r0 + hdt * (dr0 + dr1) + zr;
    if (rn < 0) rn = 0;
    r[i] = rn;
    V[i] = V0 + hdt * (dV0 + dV1) + zv;
    histR[i * ring + cur] = rn;
  }
}

__attribute__((export_name("heunStep")))
void heun_step(const State *s, int k, int blockStart, double dt) {
  if (s->B == 1) {
    heun_single(s, k, blockStart, dt);
    return;
  }
  const int B = s->B, n = s->n, ring = s->ring, block = s->block;
  const double hdt = 0.5 * dt;
  const int prev = (k - 1) % ring;
  const int cur = k % ring;
  const int t = k - blockStart;
  const int twoN = 2 * n;
  double *restrict accR = s->accR;
  const int *restrict shortRowStart = s->shortRowStart, *restrict shortDelay = s->shortDelay, *restrict shortSourceRow = s->shortSourceRow;
  const double *restrict shortWeight = s->shortWeight, *restrict blockR = s->blockR;
  /* Noise is drawn per block: z[(q * block + t) * 2n + var * n + node]. */
  const double *restrict z = s->z + t * twoN;
  const int zq = block * twoN;
  const double *restrict invTau = s->invTau, *restrict deltaOverPiTau = s->deltaOverPiTau, *restrict pi2Tau2 = s->pi2Tau2;
  const double *restrict jTau = s->jTau, *restrict etaPlusI = s->etaPlusI, *restrict cr = s->cr, *restrict cv = s->cv;
  const double *restrict a = s->a, *restrict b = s->b, *restrict noiseR = s->noiseR, *restrict noiseV = s->noiseV;
  double *restrict r = s->r, *restrict V = s->V;
  for (int i = 0; i < n; i++) {
    const double *restrict blk = blockR + (i * block + t) * B;
    for (int q = 0; q < B; q++) accR[q] = blk[q];
    for (int c = shortRowStart[i]; c < shortRowStart[i + 1]; c++) {
      int slot = prev - shortDelay[c];
      slot += (slot >> 31) & ring;
      const double *restrict h = s->histR + (shortSourceRow[c] + slot) * B;
      const double w = shortWeight[c];
      for (int q = 0; q < B; q++) accR[q] += w * h[q];
    }
    double *restrict hw = s->histR + (i * ring + cur) * B;
    int q = 0;
    /* Two simulations at a time: the scalar loop below written in f64x2 operations, term for term. */
    for (; q + 1 < B; q += 2) {
      const int x = i * B + q;
      const v2d r0 = ld(r + x);
      const v2d V0 = ld(V + x);
      const v2d couplingR = ld(a + q) * ld(accR + q) + ld(b + q);
      const v2d couplingV = splat(0);
      const v2d zr = (v2d){z[q * zq + i], z[(q + 1) * zq + i]} * ld(noiseR + q);
      const v2d zv = (v2d){z[q * zq + n + i], z[(q + 1) * zq + n + i]} * ld(noiseV + q);
      const v2d it = ld(invTau + x);
      const v2d D = ld(deltaOverPiTau + x);
      const v2d P = ld(pi2Tau2 + x);
      const v2d Jt = ld(jTau + x);
      const v2d E = ld(etaPlusI + x) + ld(cr + x) * couplingR + ld(cv + x) * couplingV;
      const v2d two = splat(2), vdt = splat(dt), vhdt = splat(hdt);
      const v2d dr0 = (D + two * V0 * r0) * it;
      const v2d dV0 = (V0 * V0 - P * r0 * r0 + Jt * r0 + E) * it;
      const v2d ri = clip0(r0 + vdt * dr0 + zr);
      const v2d Vi = V0 + vdt * dV0 + zv;
      const v2d dr1 = (D + two * Vi * ri) * it;
      const v2d dV1 = (Vi * Vi - P * ri * ri + Jt * ri + E) * it;
      const v2d rn = clip0(r0 + vhdt * (dr0 + dr1) + zr);
      const v2d Vn = V0 + vhdt * (dV0 + dV1) + zv;
      st(r + x, rn);
      st(V + x, Vn);
      st(hw + q, rn);
    }
    for (; q < B; q++) {
      const int x = i * B + q;
      const double r0 = r[x];
      const double V0 = V[x];
      const double couplingR = a[q] * accR[q] + b[q];
      const double couplingV = 0;
      const double zr = z[q * zq + i] * noiseR[q];
      const double zv = z[q * zq + n + i] * noiseV[q];
      const double it = invTau[x];
      const double D = deltaOverPiTau[x];
      const double P = pi2Tau2[x];
      const double Jt = jTau[x];
      const double E = etaPlusI[x] + cr[x] * couplingR + cv[x] * couplingV;
      const double dr0 = (D + 2 * V0 * r0) * it;
      const double dV0 = (V0 * V0 - P * r0 * r0 + Jt * r0 + E) * it;
      double ri = r0 + dt * dr0 + zr;
      if (ri < 0) ri = 0;
      const double Vi = V0 + dt * dV0 + zv;
      const double dr1 = (D + 2 * Vi * ri) * it;
      const double dV1 = (Vi * Vi - P * ri * ri + Jt * ri + E) * it;
      double rn = r0 + hdt * (dr0 + dr1) + zr;
      if (rn < 0) rn = 0;
      const double Vn = V0 + hdt * (dV0 + dV1) + zv;
      r[x] = rn;
      V[x] = Vn;
      hw[q] = rn;
    }
  }
}

/*
 * xoshiro128** + ziggurat normals, the fast path of XoshiroZiggurat.fillNormal in ../rng.ts bit for bit
 * (state words st[0..3], tables kn/wn copied from rng.ts). A draw outside the fast path (about 1 in 80)
 * needs log/exp, which stay in JavaScript so their results are V8's: the kernel stops there, leaves the
 * rejected draw's hz and iz in st[4], st[5] and returns its index; JavaScript finishes that draw and
 * calls again for the rest. Returns `count` when all are done.
 */
__attribute__((export_name("fillNormal")))
int fill_normal(unsigned *st, double *out, int count, const int *kn, const double *wn) {
  unsigned s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  int k = 0;
  for (; k < count; k++) {
    const unsigned m = s1 * 5u;
    const unsigned u = ((m << 7) | (m >> 25)) * 9u;
    const unsigned t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >> 21);
    const int iz = (int)(u & 127u);
    const int hz = (int)u >> 7;
    if ((hz < 0 ? -hz : hz) < kn[iz]) {
      out[k] = (double)hz * wn[iz];
    } else {
      st[4] = (unsigned)hz;
      st[5] = (unsigned)iz;
      break;
    }
  }
  st[0] = s0, st[1] = s1, st[2] = s2, st[3] = s3;
  return k;
}
