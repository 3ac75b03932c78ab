/*
 * Shared declarations of the simulator's WebAssembly kernel (kernel.c: coupling, Heun steps, temporal
 * averages; normal.c: the `fast` generator; ieee754.c: V8-exact log/exp; roofline.c: the benchmark's
 * memory-floor reads). Rebuild: scripts/build-simulator-wasm.sh.
 */
#ifndef HPCINV_KERNEL_H
#define HPCINV_KERNEL_H

#include <wasm_simd128.h>

/* Two lanes of doubles (f64x2); aligned(8): node-major rows of B values start at any double. */
typedef double v2d __attribute__((vector_size(16), aligned(8)));

static inline v2d ld(const double *p) { return *(const v2d *)p; }
static inline v2d splat(double x) { return (v2d){x, x}; }

/* Words of a `fast` generator's state: four xoshiro128** lanes and the next lane (fastStateWords, ../rng.ts). */
#define RNG_WORDS 17

/* Temporal averages computed inside the step loop (a stored one and the Balloon model's driver). */
#define MAX_AVERAGES 2

/*
 * A batch's state. Written by simulate.ts (bindWasm): the ints first, then the arrays' addresses, in this
 * field order. Array layouts are documented on BatchState in ../kernel.ts; the rest here.
 */
typedef struct {
  int B, n, ring, block;
  /* Last step of the run and the divergence-check interval (a check at every multiple and at nSteps). */
  int nSteps, checkEvery;
  int nAvg;
  int avgIstep[MAX_AVERAGES];
  /* Whether an average keeps V too (only a stored average does; the Balloon driver needs r only). */
  int avgWithV[MAX_AVERAGES];
  const int *longRowStart, *longSource, *longDelay;
  const double *longWeight;
  const int *shortRowStart, *shortSourceRow, *shortTarget, *shortDelay;
  const double *shortWeight;
  double *histR, *blockR, *r, *V, *z, *accR;
  const double *invTau, *deltaOverPiTau, *pi2Tau2, *jTau, *etaPlusI, *cr, *cv, *a, *b, *noiseR, *noiseV;
  /* Running sums (n·B each) and the means of the windows finished during one `steps` call: window j at
   * avgOut + j·2nB, r means then V means. */
  double *avgSumR[MAX_AVERAGES], *avgSumV[MAX_AVERAGES], *avgOut[MAX_AVERAGES];
  /* Per simulation: the first check step that found a non-finite state, 0 while none has. */
  int *divergedStep;
  /* Per simulation: 1 if its noise is drawn here (the `fast` generator, nsig ≠ 0). */
  const int *drawNoise;
  /* Per simulation: the `fast` generator's state, RNG_WORDS words each (normal.c). */
  unsigned *rng;
  /* Ziggurat tables (rng.ts). */
  const int *kn;
  const double *wn, *fn;
} State;

/* The ring slot that step k0's window of a connection with delay d starts at (step k reads k − 1 − d). */
static inline int window_start(int k0, int d, int ring) {
  int slot = (k0 - 1 - d) % ring;
  return slot < 0 ? slot + ring : slot;
}

double v8_log(double x);
double v8_exp(double x);
void fill_normal(unsigned *st, double *out, int count, const int *kn, const double *wn, const double *fn);

#endif
