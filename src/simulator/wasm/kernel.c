/*
 * WebAssembly kernel of the MPR simulator (the same arithmetic as ../kernel.ts, operation for operation,
 * so results are bit-identical to the JavaScript path: built with -ffp-contract=off, no fast-math, so
 * clang may vectorise across simulations but never reorders or fuses a sum). Only r coupling (cv = 0
 * everywhere), the sweep's case; V coupling stays on the JavaScript path. JavaScript enters twice per
 * block of steps (blockSteps in ../simulate.ts): beginBlock (long-delay coupling sums, the block's noise)
 * and steps (Heun steps, the temporal averages and the divergence check), or more often when a
 * JavaScript monitor needs the state.
 * Arrays follow the layouts documented on BatchState in ../kernel.ts and on State in kernel.h.
 */
#include "kernel.h"

/*
 * The batch step and the window-wrap path stay out of line (noinline): V8 compiles each hot wasm function
 * with its optimising tier on its own, in the background, while its baseline code runs. Inlined, they made
 * `steps` and `beginBlock` take 30 ms each to compile — a run's first 60 ms in slow code — and a single
 * simulation's `steps` carried the batch path it never uses (now 18 ms and ≈ 1 ms).
 */

static inline void st(double *p, v2d v) { *(v2d *)p = v; }
/* x < 0 ? 0 : x per lane, as the scalar `if (x < 0) x = 0` (NaN and -0 pass through unchanged). */
static inline v2d clip0(v2d x) { return (v2d)wasm_f64x2_pmax((v128_t)x, wasm_f64x2_splat(0)); }

__attribute__((noinline)) static void add_connection(const State *s, int c, int i, int k0, int len) {
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

/* The long-delay coupling sums of steps k0 … k0+len−1 into blockR (accumulateBlock in ../kernel.ts). */
static void accumulate_block(const State *s, int k0, int len) {
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

/*
 * Every node's coupling sum for one simulation: its block sum, then the short-delay connections in one
 * flat pass in row order, so each node's terms are added in the order of kernel.ts. One loop instead of
 * one per node (whose varying trip counts mispredict when most nodes have zero to two short
 * connections); the running sum stays in a register while the target repeats (no delays: every
 * connection is short).
 */
static void coupling_single(const State *s, int prev, int t, double *restrict acc) {
  const int n = s->n, ring = s->ring, block = s->block, end = s->shortRowStart[n];
  const double *restrict blockR = s->blockR, *restrict histR = s->histR, *restrict weight = s->shortWeight;
  const int *restrict target = s->shortTarget, *restrict delay = s->shortDelay, *restrict sourceRow = s->shortSourceRow;
  for (int i = 0; i < n; i++) acc[i] = blockR[i * block + t];
  if (end == 0) return;
  int i = target[0];
  double sum = acc[i];
  for (int c = 0; c < end; c++) {
    if (target[c] != i) {
      acc[i] = sum;
      i = target[c];
      sum = acc[i];
    }
    int slot = prev - delay[c];
    slot += (slot >> 31) & ring;
    sum += weight[c] * histR[sourceRow[c] + slot];
  }
  acc[i] = sum;
}

/* Per (node, simulation) parameters of the MPR update, two lanes at a time. */
typedef struct {
  v2d invTau, deltaOverPiTau, pi2Tau2, jTau, etaPlusI, cr, cv;
} Node2;

static inline Node2 node2(const State *s, int x) {
  return (Node2){ld(s->invTau + x), ld(s->deltaOverPiTau + x), ld(s->pi2Tau2 + x), ld(s->jTau + x), ld(s->etaPlusI + x), ld(s->cr + x), ld(s->cv + x)};
}

static inline Node2 node1(const State *s, int x) {
  return (Node2){splat(s->invTau[x]), splat(s->deltaOverPiTau[x]), splat(s->pi2Tau2[x]), splat(s->jTau[x]), splat(s->etaPlusI[x]), splat(s->cr[x]), splat(s->cv[x])};
}

/*
 * The Heun step of two independent (node, simulation) lanes: heunStep's update in ../kernel.ts term for
 * term. The only copy of the equations here: pairs of nodes, pairs of simulations and odd remainders
 * (both lanes the same) all use it, so every path computes the same numbers.
 */
static inline void heun_update(v2d r0, v2d V0, v2d acc, v2d a, v2d b, v2d zr, v2d zv, Node2 p, double dt, v2d *rn, v2d *Vn) {
  const v2d couplingR = a * acc + b;
  const v2d couplingV = splat(0);
  const v2d E = p.etaPlusI + p.cr * couplingR + p.cv * couplingV;
  const v2d two = splat(2), vdt = splat(dt), vhdt = splat(0.5 * dt);
  const v2d dr0 = (p.deltaOverPiTau + two * V0 * r0) * p.invTau;
  const v2d dV0 = (V0 * V0 - p.pi2Tau2 * r0 * r0 + p.jTau * r0 + E) * p.invTau;
  const v2d ri = clip0(r0 + vdt * dr0 + zr);
  const v2d Vi = V0 + vdt * dV0 + zv;
  const v2d dr1 = (p.deltaOverPiTau + two * Vi * ri) * p.invTau;
  const v2d dV1 = (Vi * Vi - p.pi2Tau2 * ri * ri + p.jTau * ri + E) * p.invTau;
  *rn = clip0(r0 + vhdt * (dr0 + dr1) + zr);
  *Vn = V0 + vhdt * (dV0 + dV1) + zv;
}

/*
 * One simulation (B = 1): every node's coupling first (accR has n places), then the update two nodes
 * at a time — only independent nodes share a vector, which hides the latency of the update's chain.
 */
static void heun_single(const State *s, int k, int blockStart, double dt) {
  const int n = s->n, ring = s->ring;
  const int prev = (k - 1) % ring;
  const int cur = k % ring;
  const int t = k - blockStart;
  double *restrict acc = s->accR;
  coupling_single(s, prev, t, acc);
  /* Noise is drawn per block: z[t * 2n + var * n + node]. */
  const double *restrict z = s->z + t * 2 * n;
  double *restrict r = s->r, *restrict V = s->V, *restrict histR = s->histR;
  const v2d a = splat(s->a[0]), b = splat(s->b[0]), noiseR = splat(s->noiseR[0]), noiseV = splat(s->noiseV[0]);
  v2d rn, Vn;
  int i = 0;
  for (; i + 1 < n; i += 2) {
    heun_update(ld(r + i), ld(V + i), ld(acc + i), a, b, ld(z + i) * noiseR, ld(z + n + i) * noiseV, node2(s, i), dt, &rn, &Vn);
    st(r + i, rn);
    st(V + i, Vn);
    histR[i * ring + cur] = rn[0];
    histR[(i + 1) * ring + cur] = rn[1];
  }
  if (i < n) {
    heun_update(splat(r[i]), splat(V[i]), splat(acc[i]), a, b, splat(z[i]) * noiseR, splat(z[n + i]) * noiseV, node1(s, i), dt, &rn, &Vn);
    r[i] = rn[0];
    V[i] = Vn[0];
    histR[i * ring + cur] = rn[0];
  }
}

/* B > 1: per node, the coupling of every simulation, then the update two simulations at a time. */
__attribute__((noinline)) static void heun_batch(const State *s, int k, int blockStart, double dt) {
  const int B = s->B, n = s->n, ring = s->ring, block = s->block;
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
  const double *restrict a = s->a, *restrict b = s->b, *restrict noiseR = s->noiseR, *restrict noiseV = s->noiseV;
  double *restrict r = s->r, *restrict V = s->V;
  v2d rn, Vn;
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
    for (; q + 1 < B; q += 2) {
      const int x = i * B + q;
      const v2d zr = (v2d){z[q * zq + i], z[(q + 1) * zq + i]} * ld(noiseR + q);
      const v2d zv = (v2d){z[q * zq + n + i], z[(q + 1) * zq + n + i]} * ld(noiseV + q);
      heun_update(ld(r + x), ld(V + x), ld(accR + q), ld(a + q), ld(b + q), zr, zv, node2(s, x), dt, &rn, &Vn);
      st(r + x, rn);
      st(V + x, Vn);
      st(hw + q, rn);
    }
    if (q < B) {
      const int x = i * B + q;
      const v2d zr = splat(z[q * zq + i]) * splat(noiseR[q]);
      const v2d zv = splat(z[q * zq + n + i]) * splat(noiseV[q]);
      heun_update(splat(r[x]), splat(V[x]), splat(accR[q]), splat(a[q]), splat(b[q]), zr, zv, node1(s, x), dt, &rn, &Vn);
      r[x] = rn[0];
      V[x] = Vn[0];
      hw[q] = rn[0];
    }
  }
}

/*
 * Temporal average `a` after step k (TemporalAverageMonitor.record in ../monitors/temporal-average.ts):
 * sums of the states; at the end of a window its means go to the next free window of avgOut.
 */
static void average(const State *s, int a, int k, int *window) {
  const int nB = s->n * s->B, istep = s->avgIstep[a], withV = s->avgWithV[a];
  double *restrict sumR = s->avgSumR[a], *restrict sumV = s->avgSumV[a];
  const double *restrict r = s->r, *restrict V = s->V;
  for (int x = 0; x < nB; x++) sumR[x] += r[x];
  if (withV) for (int x = 0; x < nB; x++) sumV[x] += V[x];
  if (k % istep != 0) return;
  double *restrict out = s->avgOut[a] + *window * 2 * nB;
  const double inv = istep;
  for (int x = 0; x < nB; x++) out[x] = sumR[x] / inv, sumR[x] = 0;
  if (withV) for (int x = 0; x < nB; x++) out[nB + x] = sumV[x] / inv, sumV[x] = 0;
  ++*window;
}

/* Marks simulations whose state is no longer finite (checkFinite in ../simulate.ts: the same sum). */
static void check_finite(const State *s, int k) {
  const int B = s->B, n = s->n;
  for (int q = 0; q < B; q++) {
    if (s->divergedStep[q]) continue;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += s->r[i * B + q] + s->V[i * B + q];
    if (!__builtin_isfinite(sum)) s->divergedStep[q] = k;
  }
}

/* Before the steps of the block starting at k0 (len steps): long-delay coupling sums and the noise. */
__attribute__((export_name("beginBlock")))
void begin_block(const State *s, int k0, int len) {
  if (s->longRowStart[s->n] > 0) accumulate_block(s, k0, len);
  const int twoN = 2 * s->n;
  for (int q = 0; q < s->B; q++)
    if (s->drawNoise[q]) fill_normal(s->rng + RNG_WORDS * q, s->z + q * s->block * twoN, len * twoN, s->kn, s->wn, s->fn);
}

/* Steps k … k+count−1 of the block that started at blockStart, with the averages and divergence checks. */
__attribute__((export_name("steps")))
void steps(const State *s, int k, int count, int blockStart, double dt) {
  int window[MAX_AVERAGES] = {0};
  for (const int end = k + count; k < end; k++) {
    if (s->B == 1) heun_single(s, k, blockStart, dt);
    else heun_batch(s, k, blockStart, dt);
    for (int a = 0; a < s->nAvg; a++) average(s, a, k, &window[a]);
    if (k % s->checkEvery == 0 || k == s->nSteps) check_finite(s, k);
  }
}
