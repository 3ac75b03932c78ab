#!/usr/bin/env node
// Feature benchmark (issue 3): computeFeatures for the deliverable's case — 68 regions, BOLD at TR 2 s,
// FC_SUM + FCD_SUM (window 15, step 1) — on 150 samples (300 s) and 300 samples (600 s), plus the full
// tvb-inversion set of five summaries. Baseline measured in the same run: a straightforward
// implementation written here (full W × W FCD matrix, one pair at a time, fresh arrays per window),
// i.e. what a direct port of the numpy code does. Times are medians over repetitions (wall, ms).
// Prints one JSON document. Env: BENCH_REPS (default 15).
import { loadavg } from 'node:os';

const dist = new URL('../../dist/', import.meta.url);
const { computeFeatures, featuresSchema } = await import(new URL('features/index.js', dist));
const reps = Number(process.env.BENCH_REPS ?? 15);

function bold(T, N) {
  let state = 12345;
  const uniform = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = new Float64Array(T * N);
  let common = 0;
  for (let t = 0; t < T; t++) {
    common = 0.9 * common + uniform() - 0.5;
    for (let i = 0; i < N; i++) data[t * N + i] = t === 0 ? 0 : 0.7 + 0.05 * common + 0.08 * (uniform() - 0.5);
  }
  return { data, nTime: T, nRegions: N, time: Float64Array.from({ length: T }, (_, t) => 2000 * t) };
}

function pearson(x, y) {
  const n = x.length;
  let mx = 0, my = 0;
  for (let k = 0; k < n; k++) { mx += x[k]; my += y[k]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < n; k++) { const a = x[k] - mx, b = y[k] - my; sxy += a * b; sxx += a * a; syy += b * b; }
  return sxy / Math.sqrt(sxx * syy);
}

/** FC_SUM and FCD_SUM the direct way: per-window column copies, full FCD matrix. */
function baseline(s, w) {
  const { nTime: T, nRegions: N, data } = s;
  const column = (i, t0, t1) => { const c = []; for (let t = t0; t < t1; t++) c.push(data[t * N + i]); return c; };
  const cols = Array.from({ length: N }, (_, i) => column(i, 0, T));
  let fcSum = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) fcSum += Math.max(pearson(cols[i], cols[j]), 0);
  const stack = [];
  for (let t0 = 0; t0 < T - w; t0++) {
    const wc = Array.from({ length: N }, (_, i) => column(i, t0, t0 + w));
    const v = [];
    for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) v.push(pearson(wc[i], wc[j]));
    stack.push(v);
  }
  const W = stack.length;
  let fcdSum = 0;
  for (let a = 0; a < W; a++) for (let b = 0; b < W; b++) if (Math.abs(a - b) >= w) fcdSum += Math.abs(pearson(stack[a], stack[b]));
  return [fcSum, fcdSum];
}

function median(f, n) {
  const times = [];
  for (let r = 0; r < n; r++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

const cases = {};
for (const T of [150, 300]) {
  const s = bold(T, 68);
  const spec = featuresSchema.parse({ fcd: { window: 15, step: 1 }, compute: ['fc_sum', 'fcd_sum'] });
  const ours = computeFeatures(s, spec).values;
  const [fcRef, fcdRef] = baseline(s, 15);
  const agree = Math.max(Math.abs(ours[0] - fcRef) / fcRef, Math.abs(ours[1] - fcdRef) / fcdRef);
  computeFeatures(s, spec); // warm-up
  const hpcinvMs = median(() => computeFeatures(s, spec), reps);
  const baselineMs = median(() => baseline(s, 15), Math.max(3, Math.floor(reps / 5)));
  const full = featuresSchema.parse({
    fcd: { window: 15, step: 1 },
    compute: ['homotopic_fc', 'fcd_stack_std_inter', 'fcd_diff_var_inter', 'fc_sum', 'fcd_sum'],
  });
  const fullMs = median(() => computeFeatures(s, full), reps);
  cases[`68x${T}_w15`] = {
    hpcinvMs: +hpcinvMs.toFixed(2),
    baselineMs: +baselineMs.toFixed(2),
    speedup: +(baselineMs / hpcinvMs).toFixed(2),
    tvbInversionFiveSummariesMs: +fullMs.toFixed(2),
    maxRelativeDifference: agree,
  };
}
console.log(JSON.stringify({ reps, loadavg1: loadavg()[0], cases }));
