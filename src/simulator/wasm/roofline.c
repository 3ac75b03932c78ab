/*
 * The memory floor of the long-delay coupling, for scripts/bench/simulator.js (not used by simulations):
 * the bytes accumulate_block (kernel.c) reads for one block, in the same windows and order, summed with
 * four independent f64x2 accumulators and nothing written, so the time is that of the reads alone; and
 * a plain sequential read of a buffer for the bandwidth of the memory level it lives in.
 */
#include "kernel.h"

/* Sum of p[0 .. count), four vectors per iteration (the adds do not wait for each other). */
static double sum_run(const double *p, int count) {
  v2d s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
  int x = 0;
  for (; x + 8 <= count; x += 8) {
    s0 += ld(p + x);
    s1 += ld(p + x + 2);
    s2 += ld(p + x + 4);
    s3 += ld(p + x + 6);
  }
  double tail = 0;
  for (; x < count; x++) tail += p[x];
  const v2d s = (s0 + s1) + (s2 + s3);
  return s[0] + s[1] + tail;
}

/* The history windows of `count` connections (source, delay) for steps k0 … k0+len−1, B per slot. */
__attribute__((export_name("readWindows")))
double read_windows(const double *hist, const int *source, const int *delay, int count, int ring, int B, int k0, int len) {
  double total = 0;
  for (int c = 0; c < count; c++) {
    const int slot = window_start(k0, delay[c], ring);
    const int first = len < ring - slot ? len : ring - slot;
    total += sum_run(hist + (source[c] * ring + slot) * B, first * B);
    if (first < len) total += sum_run(hist + source[c] * ring * B, (len - first) * B);
  }
  return total;
}

__attribute__((export_name("readSequential")))
double read_sequential(const double *p, int count) { return sum_run(p, count); }
