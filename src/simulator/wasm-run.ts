import type { BatchState } from './kernel.js';
import type { Monitor } from './monitors/monitor.js';
import { TemporalAverageMonitor } from './monitors/temporal-average.js';
import { XoshiroZiggurat, fastStateWords, zigguratTables, type RandomSource } from './rng.js';
import type { WasmKernel } from './wasm-kernel.js';

/** MAX_AVERAGES in wasm/kernel.h: a stored temporal average and the Balloon model's driver. */
const maxAverages = 2;

/** Windows of period `istep` that can end within one `steps` call (at most one block of steps). */
const windowsPerCall = (istep: number, block: number) => Math.floor((block - 1) / istep) + 1;

/** An upper bound of the bytes `runWasmBatch` takes beside the batch state (16 bytes of alignment per array). */
export function wasmRunBytes(n: number, B: number, block: number, averagePeriods: readonly number[]): number {
  const nB = n * B;
  const layers = zigguratTables().kn.length;
  let f64 = 2 * layers;
  for (const istep of averagePeriods) f64 += 2 * nB + windowsPerCall(istep, block) * 2 * nB;
  const i32 = (2 + fastStateWords) * B + layers;
  return 8 * f64 + 4 * i32 + 16 * 20;
}

/**
 * Runs a batch's steps in the wasm kernel: JavaScript enters once per block of steps to start it (coupling
 * sums, noise) and once to step it, with the temporal averages and divergence checks inside; only a
 * JavaScript monitor (raw, BOLD) splits the steps where it needs the state. The `fast` generator's
 * streams continue in wasm from the generators' current states; other generators fill the block's noise
 * from JavaScript. Returns per simulation the first check step that found a non-finite state.
 */
export function runWasmBatch(
  wasm: WasmKernel,
  s: BatchState,
  run: { nSteps: number; checkEvery: number; monitors: readonly Monitor[]; rngs: readonly RandomSource[]; noisy: readonly boolean[] },
): (number | undefined)[] {
  const { B, n, block, dt } = s;
  const nB = n * B;
  const twoN = 2 * n;
  const averages = run.monitors.filter((m): m is TemporalAverageMonitor => m instanceof TemporalAverageMonitor);
  if (averages.length > maxAverages) throw new Error(`wasm kernel: ${averages.length} temporal averages, at most ${maxAverages} — this is a bug`);
  const others = run.monitors.filter((m) => !(m instanceof TemporalAverageMonitor) && Number.isFinite(m.recordEvery));
  const stride = others.reduce((g, m) => gcd(g, m.recordEvery), 0) || Infinity;
  const sums = averages.map((m) => ({ r: wasm.f64(nB), V: wasm.f64(m.keepsV ? nB : 0), out: wasm.f64(windowsPerCall(m.istep, block) * 2 * nB) }));
  // Views of each finished window's means, made once: the step loop allocates nothing.
  const windows = averages.map((m, a) =>
    Array.from({ length: windowsPerCall(m.istep, block) }, (_, j) => ({
      r: sums[a].out.subarray(2 * j * nB, (2 * j + 1) * nB),
      V: sums[a].out.subarray((2 * j + 1) * nB, (2 * j + 2) * nB),
    })),
  );
  const divergedStep = wasm.i32(B);
  const inWasm = run.rngs.every((g) => g instanceof XoshiroZiggurat);
  const drawNoise = wasm.i32(B);
  const rng = wasm.i32(fastStateWords * B);
  if (inWasm)
    run.rngs.forEach((g, q) => {
      drawNoise[q] = run.noisy[q] ? 1 : 0;
      (g as XoshiroZiggurat).saveState(rng, fastStateWords * q);
    });
  const { kn, wn, fn } = wasm.zigguratTables();
  const none = wasm.f64(0);
  const avg = (a: number, pick: (x: (typeof sums)[number]) => Float64Array) => (a < sums.length ? pick(sums[a]) : none);
  // The field order of State in wasm/kernel.h.
  wasm.bind({
    ints: [B, n, s.ring, block, run.nSteps, run.checkEvery, averages.length, ...[0, 1].map((a) => averages[a]?.istep ?? 1), ...[0, 1].map((a) => (averages[a]?.keepsV ? 1 : 0))],
    arrays: [
      s.long.rowStart, s.long.source, s.long.delay, s.long.weight,
      s.short.rowStart, s.shortSourceRow, s.shortTarget, s.short.delay, s.short.weight,
      s.histR, s.blockR, s.r, s.V, s.z, s.accR,
      s.invTau, s.deltaOverPiTau, s.pi2Tau2, s.jTau, s.etaPlusI, s.cr, s.cv, s.a, s.b, s.noiseR, s.noiseV,
      avg(0, (x) => x.r), avg(1, (x) => x.r), avg(0, (x) => x.V), avg(1, (x) => x.V), avg(0, (x) => x.out), avg(1, (x) => x.out),
      divergedStep, drawNoise, rng, kn, wn, fn,
    ],
  });
  for (let k0 = 1; k0 <= run.nSteps; k0 += block) {
    const len = Math.min(block, run.nSteps - k0 + 1);
    if (!inWasm) for (let q = 0; q < B; q++) if (run.noisy[q]) run.rngs[q].fillNormal(s.z, q * block * twoN, len * twoN);
    wasm.beginBlock(k0, len);
    const last = k0 + len - 1;
    for (let k = k0; k <= last; ) {
      const end = stride === Infinity ? last : Math.min(last, Math.ceil(k / stride) * stride);
      wasm.steps(k, end - k + 1, k0, dt);
      for (let a = 0; a < averages.length; a++) {
        const m = averages[a];
        for (let step = Math.ceil(k / m.istep) * m.istep, j = 0; step <= end; step += m.istep, j++) m.finishWindow(step, windows[a][j].r, windows[a][j].V);
      }
      for (const m of others) m.record(end, s.r, s.V);
      k = end + 1;
    }
  }
  return Array.from(divergedStep, (k) => (k === 0 ? undefined : k));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
