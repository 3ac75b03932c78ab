/**
 * FC/FCD building blocks against a naive implementation written differently (full matrices, literal
 * triu/tril masks, one-pass sums), hand-computed small cases, and numpy's NaN semantics.
 */
import { fcSum, fcUpperTriangle, homotopicFc } from '../../src/features/fc.js';
import {
  fcdDistantPairs,
  fcdInterDistantPairs,
  fcdSum,
  fcdVarianceWithZeros,
  interHemisphericPairs,
  interHemisphericStack,
  interStackStd,
  windowCount,
  windowedFcStack,
} from '../../src/features/fcd.js';
import { halvesPairing } from '../../src/features/pairing.js';
import { pairCount } from '../../src/features/correlation.js';
import type { TimeSeries } from '../../src/timeseries.js';

/** Pearson correlation of two arrays from raw sums (a different formula than the code's centred one). */
function pearson(x: number[], y: number[]): number {
  const n = x.length;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let k = 0; k < n; k++) {
    sx += x[k];
    sy += y[k];
    sxx += x[k] * x[k];
    syy += y[k] * y[k];
    sxy += x[k] * y[k];
  }
  const cov = sxy - (sx * sy) / n;
  return cov / Math.sqrt((sxx - (sx * sx) / n) * (syy - (sy * sy) / n));
}

function columns(s: TimeSeries, t0: number, t1: number): number[][] {
  const cols: number[][] = [];
  for (let i = 0; i < s.nRegions; i++) {
    const c: number[] = [];
    for (let t = t0; t < t1; t++) c.push(s.data[t * s.nRegions + i]);
    cols.push(c);
  }
  return cols;
}

/** Naive FCD: full windowed FC matrices, full W × W FCD, literal masks. */
function naive(s: TimeSeries, w: number, step: number) {
  const N = s.nRegions;
  const half = N / 2;
  const fcFull = (t0: number, t1: number) => {
    const cols = columns(s, t0, t1);
    return cols.map((ci, i) => cols.map((cj, j) => (i === j ? 1 : pearson(ci, cj))));
  };
  const upper = (m: number[][]) => m.flatMap((row, i) => row.filter((_, j) => j > i));
  const vecs: number[][] = [];
  const inters: number[][] = [];
  for (let t0 = 0; t0 < s.nTime - w; t0 += step) {
    const m = fcFull(t0, t0 + w);
    vecs.push(upper(m));
    inters.push(upper(m.map((row, i) => row.map((v, j) => ((i < half) !== (j < half) ? Math.max(v, 0) : 0)))));
  }
  const corrMatrix = (rows: number[][]) => rows.map((a) => rows.map((b) => pearson(a, b)));
  const fcd = corrMatrix(vecs);
  const fcdInter = corrMatrix(inters);
  const W = fcd.length;
  const triu = (m: number[][]) => m.map((row, a) => row.map((v, b) => (b - a >= w ? v : 0)));
  const tril = (m: number[][]) => m.map((row, a) => row.map((v, b) => (a - b >= w ? v : 0)));
  const variance = (m: number[][]) => {
    const flat = m.flat();
    const mean = flat.reduce((p, v) => p + v, 0) / flat.length;
    return flat.reduce((p, v) => p + (v - mean) ** 2, 0) / flat.length;
  };
  const whole = fcFull(0, s.nTime);
  let fcSumNaive = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) fcSumNaive += Math.max(whole[i][j], 0);
  const flatInter = inters.flat();
  const meanInter = flatInter.reduce((p, v) => p + v, 0) / flatInter.length;
  return {
    W,
    fcSum: fcSumNaive,
    homo: whole.slice(0, half).reduce((p, row, i) => p + Math.max(row[i + half], 0), 0) / half,
    fcdSum: triu(fcd).flat().concat(tril(fcd).flat()).reduce((p, v) => p + Math.abs(v), 0),
    varOv: variance(triu(fcd)),
    varOvInter: variance(triu(fcdInter)),
    stackStd: Math.sqrt(flatInter.reduce((p, v) => p + (v - meanInter) ** 2, 0) / flatInter.length),
  };
}

function randomSeries(T: number, N: number, seed: number): TimeSeries {
  let state = seed >>> 0;
  const uniform = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = new Float64Array(T * N);
  let common = 0;
  for (let t = 0; t < T; t++) {
    common = 0.9 * common + (uniform() - 0.5);
    for (let i = 0; i < N; i++) data[t * N + i] = 0.5 * common + (uniform() - 0.5) + (i % 3) * 0.1 * Math.sin(t / 3);
  }
  return { data, nTime: T, nRegions: N, time: Float64Array.from({ length: T }, (_, t) => t) };
}

describe('against a naive full-matrix implementation', () => {
  test.each([
    [40, 6, 4, 1],
    [53, 8, 5, 2],
    [30, 4, 3, 4],
  ])('T=%i N=%i window=%i step=%i', (T, N, w, step) => {
    const s = randomSeries(T, N, T * 31 + N);
    const ref = naive(s, w, step);
    const fc = fcUpperTriangle(s);
    expect(fcSum(fc)).toBeCloseTo(ref.fcSum, 11);
    expect(homotopicFc(fc, N, halvesPairing(N).homotopic)).toBeCloseTo(ref.homo, 12);
    const W = windowCount(T, w, step);
    expect(W).toBe(ref.W);
    const M = pairCount(N);
    const stack = windowedFcStack(s, w, step);
    const distant = fcdDistantPairs(stack, W, M, w);
    expect(fcdSum(distant)).toBeCloseTo(ref.fcdSum, 10);
    expect(fcdVarianceWithZeros(distant, W)).toBeCloseTo(ref.varOv, 12);
    const inter = interHemisphericStack(stack, W, M, interHemisphericPairs(halvesPairing(N).hemisphere));
    expect(interStackStd(inter, W)).toBeCloseTo(ref.stackStd, 12);
    expect(fcdVarianceWithZeros(fcdInterDistantPairs(inter, W, w), W)).toBeCloseTo(ref.varOvInter, 12);
  });
});

describe('hand-computed cases', () => {
  test('two regions, three samples', () => {
    // x = (1, 2, 3), y = (2, 4, 7): centred x = (−1, 0, 1), y = (−7/3, −1/3, 8/3);
    // r = (7/3 + 8/3) / sqrt(2 · (49 + 1 + 64)/9) = 5 / sqrt(228/9) = 15 / sqrt(228)
    const s: TimeSeries = { data: Float64Array.from([1, 2, 2, 4, 3, 7]), nTime: 3, nRegions: 2, time: Float64Array.from([0, 1, 2]) };
    const fc = fcUpperTriangle(s);
    expect(fc[0]).toBeCloseTo(15 / Math.sqrt(228), 15);
    expect(fcSum(fc)).toBeCloseTo(30 / Math.sqrt(228), 15);
  });

  test('anti-correlated regions contribute nothing to fc_sum or homotopic_fc (negatives clipped)', () => {
    const s: TimeSeries = { data: Float64Array.from([1, -1, 2, -2, 4, -4]), nTime: 3, nRegions: 2, time: Float64Array.from([0, 1, 2]) };
    const fc = fcUpperTriangle(s);
    expect(fc[0]).toBe(-1);
    expect(fcSum(fc)).toBe(0);
    expect(homotopicFc(fc, 2, [[0, 1]])).toBe(0);
  });

  test('window count follows range(0, T − w, s): the last possible window is not used', () => {
    expect(windowCount(150, 15, 1)).toBe(135);
    expect(windowCount(30, 15, 1)).toBe(15);
    expect(windowCount(16, 15, 1)).toBe(1);
    expect(windowCount(15, 15, 1)).toBe(0);
    expect(windowCount(41, 4, 3)).toBe(13);
  });
});

describe('numpy NaN semantics', () => {
  test('a region constant inside some windows makes those FCD rows NaN, while static FC stays finite', () => {
    const s = randomSeries(40, 4, 7);
    for (let t = 10; t < 20; t++) s.data[t * 4 + 1] = 0.25;
    const W = windowCount(40, 4, 1);
    const stack = windowedFcStack(s, 4, 1);
    expect(Number.isNaN(stack[12 * pairCount(4)])).toBe(true); // window 12 covers samples 12–15
    expect(Number.isFinite(fcSum(fcUpperTriangle(s)))).toBe(true);
    const distant = fcdDistantPairs(stack, W, pairCount(4), 4);
    expect(Number.isNaN(fcdSum(distant))).toBe(true);
    const inter = interHemisphericStack(stack, W, pairCount(4), interHemisphericPairs(halvesPairing(4).hemisphere));
    expect(Number.isNaN(interStackStd(inter, W))).toBe(true);
  });

  test('a constant region gives NaN static FC for its pairs only', () => {
    const s = randomSeries(20, 3, 9);
    for (let t = 0; t < 20; t++) s.data[t * 3] = 1;
    const fc = fcUpperTriangle(s);
    expect([Number.isNaN(fc[0]), Number.isNaN(fc[1]), Number.isFinite(fc[2])]).toEqual([true, true, true]);
  });
});
