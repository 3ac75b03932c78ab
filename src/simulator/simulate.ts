import type { Connectome } from '../connectome/connectome.js';
import { integerDelays } from '../connectome/delays.js';
import { buildCouplingGraph, filterCouplingGraph, type CouplingGraph } from './graph.js';
import { accumulateBlock, heunStep, type BatchState } from './kernel.js';
import { createWasmKernel, wasmKernelAvailable } from './wasm-kernel.js';
import { runWasmBatch, wasmRunBytes } from './wasm-run.js';
import { createRandom, type RandomSource, type RngKind } from './rng.js';
import { mprParameterNames, nodeValue, type NodeValue, type ParameterSet } from './params.js';
import type { Monitor, MonitorOutputs } from './monitors/monitor.js';
import { RawMonitor } from './monitors/raw.js';
import { TemporalAverageMonitor } from './monitors/temporal-average.js';
import { BoldMonitor } from './monitors/bold.js';
import { BalloonMonitor } from './monitors/balloon.js';

/** Everything shared by the simulations of a batch. Times are in model time units unless named `Ms`. */
export interface SimulationSpec {
  connectome: Connectome;
  /** Conduction speed in mm per model time unit; Infinity (or null) = no delays. */
  speed: number | null;
  dt: number;
  duration: number;
  /** Real milliseconds per model time unit (tvb-inversion reads one unit as 10 ms); scales output times and BOLD. */
  timeUnitMs: number;
  /** Constant history (r clipped at 0, as TVB bounds the initial history) or TVB's random history. */
  history: { kind: 'constant'; r: NodeValue; V: NodeValue } | { kind: 'random'; rRange: [number, number]; VRange: [number, number] };
  rng: RngKind;
  monitors: {
    /** Model time before which samples are dropped. */
    transient: number;
    raw?: { every: number };
    tavg?: { period: number };
    bold?: { periodMs: number; hrfLengthMs: number };
    /** Balloon–Windkessel BOLD on the temporal average of r with this `period` (model units), kept every TR. */
    balloon?: { period: number; trMs: number };
  };
}

export interface SimulationSetup {
  spec: SimulationSpec;
  graph: CouplingGraph;
  ring: number;
  nSteps: number;
}

export interface SimulationResult extends MonitorOutputs {
  /** A non-finite r or V appeared (NaN/inf); the outputs from then on are not meaningful. */
  diverged: boolean;
  /** Model time of the first check that found a non-finite state. */
  divergedAt?: number;
}

/** Builds what a batch shares: the sparse coupling graph with integer delays and the step count. */
export function prepareSimulation(spec: SimulationSpec): SimulationSetup {
  if (!(spec.dt > 0)) throw new RangeError(`dt must be > 0, got ${spec.dt}`);
  if (!(spec.duration > 0)) throw new RangeError(`duration must be > 0, got ${spec.duration}`);
  const idelays = integerDelays(spec.connectome, spec.speed, spec.dt);
  const graph = buildCouplingGraph(spec.connectome, idelays);
  // TVB: n_steps = ceil(simulation_length / dt); the epsilon absorbs 1000/0.005-style rounding noise.
  const nSteps = Math.ceil(spec.duration / spec.dt - 1e-9);
  return { spec, graph, ring: graph.maxDelay + 2, nSteps };
}

/**
 * Steps per coupling block: connections with delay ≥ blockSteps − 1 are summed once per block. 256 keeps
 * the block sums and the block's noise in L2 for one simulation, makes each connection's history window
 * long enough to stream (2 KB per window and simulation), and at speed 3 leaves few connections to the
 * per-step path: 66 of connectivity_76's 1 560 at dt 0.005, none of connectivity_68's at dt 0.01.
 */
export const blockSteps = 256;

/** Bytes of history one simulation needs (r, plus V if coupled through V); for choosing batch sizes. */
export function historyBytesPerSimulation(setup: SimulationSetup, couplesV: boolean): number {
  return setup.graph.n * setup.ring * 8 * (couplesV ? 2 : 1);
}

export interface BatchOptions {
  /**
   * Largest number of simulations integrated together. Default: 1 with the wasm kernel (fastest per
   * simulation: one history, 5.4 MB in the standard case, stays in L3 — docs/benchmarks.md), 8 with the
   * JavaScript kernel; fewer if the histories would exceed 256 MB.
   */
  maxBatch?: number;
  /**
   * Monitor outputs to return (default: all in the spec). A temporal average that only drives the Balloon
   * model need not be stored: 300 s of a 1 ms average of 68 regions is 330 MB per simulation.
   */
  keep?: readonly ('raw' | 'tavg' | 'bold' | 'balloon')[];
  /**
   * Integration kernel: 'wasm' (WebAssembly SIMD, r coupling only), 'js' (the JavaScript oracle), or
   * 'auto' (default: wasm where available and no simulation couples through V). Same numbers, bit for bit.
   */
  kernel?: 'auto' | 'js' | 'wasm';
}

/**
 * Simulates several parameter sets on one setup and returns their monitor outputs in order. The result
 * of a simulation does not depend on which others share its batch (each has its own seeded generator),
 * so a batch gives exactly the numbers of one-by-one runs.
 */
export function simulateBatch(setup: SimulationSetup, params: readonly ParameterSet[], seeds: readonly number[], opts: BatchOptions = {}): SimulationResult[] {
  if (params.length !== seeds.length) throw new RangeError(`${params.length} parameter sets but ${seeds.length} seeds`);
  const couplesV = params.some((p) => anyNonZero(p.model.cv, setup.graph.n));
  const budget = 256 * 2 ** 20;
  const byMemory = Math.max(1, Math.floor(budget / historyBytesPerSimulation(setup, couplesV)));
  const wasm = usesWasm(opts, couplesV);
  const size = Math.max(1, Math.min(opts.maxBatch ?? (wasm ? 1 : 8), byMemory));
  const out: SimulationResult[] = [];
  for (let s = 0; s < params.length; s += size) out.push(...runBatch(setup, params.slice(s, s + size), seeds.slice(s, s + size), opts));
  return out;
}

/** Whether a batch runs in the wasm kernel: asked for, or 'auto' where available and nothing couples through V. */
function usesWasm(opts: BatchOptions, couplesV: boolean): boolean {
  const kernel = opts.kernel ?? 'auto';
  return kernel === 'wasm' || (kernel === 'auto' && !couplesV && wasmKernelAvailable());
}

function anyNonZero(v: NodeValue, n: number): boolean {
  for (let i = 0; i < n; i++) if (nodeValue(v, i) !== 0) return true;
  return false;
}

function runBatch(setup: SimulationSetup, params: readonly ParameterSet[], seeds: readonly number[], opts: BatchOptions): SimulationResult[] {
  const { spec, graph, ring, nSteps } = setup;
  const n = graph.n;
  const B = params.length;
  const useV = params.some((p) => anyNonZero(p.model.cv, n));
  const kernel = opts.kernel ?? 'auto';
  if (kernel === 'wasm' && useV) throw new RangeError('the wasm kernel couples through r only, but some cv ≠ 0 — fix: use kernel "auto" or "js"');
  const monitors = makeMonitors(spec, B, n, nSteps, opts.keep);
  const averagePeriods = monitors.flatMap((m) => (m instanceof TemporalAverageMonitor ? [m.istep] : []));
  const wasm = usesWasm(opts, useV) ? createWasmKernel(stateBytes(graph, B, ring) + wasmRunBytes(n, B, blockSteps, averagePeriods)) : undefined;
  const s = allocate(setup, B, useV, wasm ?? plainArrays, wasm !== undefined);
  params.forEach((p, q) => setParameters(s, q, p, spec.dt));
  const rngs = seeds.map((seed) => createRandom(spec.rng, seed));
  fillHistory(s, spec, graph.maxDelay, rngs);
  const noisy = params.map((p) => p.nsig[0] !== 0 || p.nsig[1] !== 0);
  const checkEvery = 64;
  const divergedStep = wasm ? runWasmBatch(wasm, s, { nSteps, checkEvery, monitors, rngs, noisy }) : runJs(s, nSteps, checkEvery, monitors, rngs, noisy);
  const diverged = divergedStep.map((k) => (k === undefined ? undefined : k * spec.dt));
  return params.map((_, q) => {
    const res: SimulationResult = { diverged: diverged[q] !== undefined };
    if (diverged[q] !== undefined) res.divergedAt = diverged[q];
    for (const m of monitors) m.collect(q, res);
    return res;
  });
}

/** The JavaScript kernel's step loop (the oracle the wasm kernel is tested against); returns divergence steps. */
function runJs(s: BatchState, nSteps: number, checkEvery: number, monitors: readonly Monitor[], rngs: readonly RandomSource[], noisy: readonly boolean[]): (number | undefined)[] {
  const diverged: (number | undefined)[] = new Array(s.B).fill(undefined);
  const hasLong = s.long.rowStart[s.n] > 0;
  for (let k = 1; k <= nSteps; k++) {
    if ((k - 1) % s.block === 0) {
      s.blockStart = k;
      if (hasLong) accumulateBlock(s, k, Math.min(s.block, nSteps - k + 1));
    }
    for (let q = 0; q < s.B; q++) if (noisy[q]) rngs[q].fillNormal(s.z, q * 2 * s.n, 2 * s.n);
    heunStep(s, k);
    for (const m of monitors) m.record(k, s.r, s.V);
    if (k % checkEvery === 0 || k === nSteps) checkFinite(s, k, diverged);
  }
  return diverged;
}

function checkFinite(s: BatchState, k: number, diverged: (number | undefined)[]): void {
  const { B, n, r, V } = s;
  for (let q = 0; q < B; q++) {
    if (diverged[q] !== undefined) continue;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r[i * B + q] + V[i * B + q];
    if (!Number.isFinite(sum)) diverged[q] = k;
  }
}

/** Where a batch's arrays live: ordinary typed arrays, or the wasm kernel's linear memory. */
interface ArraySource {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}
const plainArrays: ArraySource = { f64: (length) => new Float64Array(length), i32: (length) => new Int32Array(length) };

/** An upper bound of the bytes `allocate` takes (plus 16 bytes of alignment per array). */
function stateBytes(graph: CouplingGraph, B: number, ring: number): number {
  const n = graph.n;
  const nnz = graph.rowStart[n];
  const f64 = n * ring * B + 3 * n * blockSteps * B + 10 * n * B + 7 * B + 2 * nnz;
  const i32 = 2 * (n + 1) + 5 * nnz;
  return 8 * f64 + 4 * i32 + 16 * 40;
}

/** `g` in `mem` (ordinary arrays need no copy). */
function copyGraph(g: CouplingGraph, mem: ArraySource): CouplingGraph {
  if (mem === plainArrays) return g;
  const i32 = (a: Int32Array) => { const out = mem.i32(a.length); out.set(a); return out; };
  const weight = mem.f64(g.weight.length);
  weight.set(g.weight);
  return { n: g.n, rowStart: i32(g.rowStart), source: i32(g.source), weight, delay: i32(g.delay), maxDelay: g.maxDelay };
}

/** `blockNoise`: z holds a block of steps per simulation (the wasm kernel's layout) instead of one step. */
function allocate(setup: SimulationSetup, B: number, useV: boolean, mem: ArraySource, blockNoise: boolean): BatchState {
  const { graph, ring, spec } = setup;
  const n = graph.n;
  const nb = n * B;
  const f = () => mem.f64(nb);
  const block = blockSteps;
  const long = copyGraph(filterCouplingGraph(graph, (d) => d >= block - 1), mem);
  const short = copyGraph(filterCouplingGraph(graph, (d) => d < block - 1), mem);
  const shortSourceRow = mem.i32(short.source.length);
  short.source.forEach((j, c) => (shortSourceRow[c] = j * ring));
  const shortTarget = mem.i32(short.source.length);
  for (let i = 0; i < n; i++) shortTarget.fill(i, short.rowStart[i], short.rowStart[i + 1]);
  return {
    B,
    n,
    dt: spec.dt,
    ring,
    block,
    long,
    short,
    shortSourceRow,
    shortTarget,
    blockR: mem.f64(n * block * B),
    blockV: new Float64Array(useV ? n * block * B : 0),
    blockStart: 1,
    histR: mem.f64(n * ring * B),
    histV: new Float64Array(useV ? n * ring * B : 0),
    useV,
    r: f(),
    V: f(),
    invTau: f(),
    deltaOverPiTau: f(),
    pi2Tau2: f(),
    jTau: f(),
    etaPlusI: f(),
    cr: f(),
    cv: f(),
    a: mem.f64(B),
    b: mem.f64(B),
    noiseR: mem.f64(B),
    noiseV: mem.f64(B),
    z: mem.f64(blockNoise ? 2 * nb * block : 2 * nb),
    accR: mem.f64(Math.max(B, n)), // the wasm kernel's single-simulation step keeps every node's sum
    accV: new Float64Array(B),
  };
}

function setParameters(s: BatchState, q: number, p: ParameterSet, dt: number): void {
  const { n, B } = s;
  for (const name of mprParameterNames) {
    const v = p.model[name];
    if (typeof v !== 'number' && v.length !== n) throw new RangeError(`model.${name} has ${v.length} values for ${n} nodes`);
  }
  for (let i = 0; i < n; i++) {
    const x = i * B + q;
    const tau = nodeValue(p.model.tau, i);
    s.invTau[x] = 1 / tau;
    s.deltaOverPiTau[x] = nodeValue(p.model.Delta, i) / (Math.PI * tau);
    s.pi2Tau2[x] = Math.PI * Math.PI * tau * tau;
    s.jTau[x] = nodeValue(p.model.J, i) * tau;
    s.etaPlusI[x] = nodeValue(p.model.eta, i) + nodeValue(p.model.I, i);
    s.cr[x] = nodeValue(p.model.cr, i);
    s.cv[x] = nodeValue(p.model.cv, i);
  }
  s.a[q] = p.coupling.a;
  s.b[q] = p.coupling.b;
  s.noiseR[q] = Math.sqrt(2 * p.nsig[0] * dt);
  s.noiseV[q] = Math.sqrt(2 * p.nsig[1] * dt);
}

/**
 * Fills the delay ring with the history for times −maxDelay … 0 and sets the current state to time 0.
 * Random history follows TVB: uniform draws of shape (maxDelay + 1, N) for r, then for V, from the
 * simulation's own generator before any noise; TVB's buffer index m holds time m − H for m ≥ 1 and
 * index 0 holds time 0 (the current state).
 */
function fillHistory(s: BatchState, spec: SimulationSpec, maxDelay: number, rngs: RandomSource[]): void {
  const { n, B, ring, histR, histV, useV } = s;
  const H = maxDelay + 1;
  const slotOf = (t: number) => ((t % ring) + ring) % ring;
  const draws = new Float64Array(spec.history.kind === 'random' ? H * n : 0);
  for (let q = 0; q < B; q++) {
    for (let v = 0; v < 2; v++) {
      const hist = v === 0 ? histR : histV;
      const state = v === 0 ? s.r : s.V;
      if (spec.history.kind === 'constant') {
        // One value per node in every history slot (0 and 2 … ring−1, see below): contiguous runs.
        const c = v === 0 ? spec.history.r : spec.history.V;
        for (let i = 0; i < n; i++) {
          let x = nodeValue(c, i);
          if (v === 0 && x < 0) x = 0;
          state[i * B + q] = x;
          if (v === 1 && !useV) continue;
          if (q > 0) continue; // the history is shared: the first simulation's pass fills every lane
          hist.fill(x, i * ring * B, (i * ring + 1) * B);
          hist.fill(x, (i * ring + 2) * B, (i * ring + ring) * B);
        }
        continue;
      }
      const [lo, hi] = v === 0 ? spec.history.rRange : spec.history.VRange;
      rngs[q].fillUniform(draws, 0, H * n, lo, hi);
      if (v === 0) for (let k = 0; k < draws.length; k++) if (draws[k] < 0) draws[k] = 0;
      for (let i = 0; i < n; i++) state[i * B + q] = draws[i];
      if (v === 1 && !useV) continue;
      for (let m = 0; m < H; m++) {
        const t = m === 0 ? 0 : m - H;
        const slot = slotOf(t);
        for (let i = 0; i < n; i++) hist[(i * ring + slot) * B + q] = draws[m * n + i];
      }
    }
  }
}

function makeMonitors(spec: SimulationSpec, B: number, n: number, nSteps: number, keep?: BatchOptions['keep']): Monitor[] {
  const { dt, timeUnitMs } = spec;
  const wanted = (m: 'raw' | 'tavg' | 'bold' | 'balloon') => spec.monitors[m] !== undefined && (keep === undefined || keep.includes(m));
  const mon = { transient: spec.monitors.transient, raw: wanted('raw') ? spec.monitors.raw : undefined, tavg: wanted('tavg') ? spec.monitors.tavg : undefined, bold: wanted('bold') ? spec.monitors.bold : undefined, balloon: wanted('balloon') ? spec.monitors.balloon : undefined };
  const list: Monitor[] = [];
  if (mon.raw) list.push(new RawMonitor(B, n, mon.raw.every, nSteps, dt, mon.transient, timeUnitMs));
  let tavg: TemporalAverageMonitor | undefined;
  if (mon.tavg) {
    tavg = new TemporalAverageMonitor(B, n, periodSteps(mon.tavg.period, dt, 'tavg'), nSteps, dt, mon.transient, timeUnitMs, true);
    list.push(tavg);
  }
  if (mon.bold) list.push(new BoldMonitor(B, n, mon.bold.periodMs, mon.bold.hrfLengthMs, nSteps, dt, mon.transient, timeUnitMs));
  if (mon.balloon) {
    const istep = periodSteps(mon.balloon.period, dt, 'balloon');
    let driver = tavg;
    if (!driver || driver.istep !== istep) {
      driver = new TemporalAverageMonitor(B, n, istep, nSteps, dt, mon.transient, timeUnitMs, false);
      list.push(driver);
    }
    const periodMs = istep * dt * timeUnitMs;
    const stride = Math.round(mon.balloon.trMs / periodMs);
    if (stride < 1 || Math.abs(stride * periodMs - mon.balloon.trMs) > 1e-6 * mon.balloon.trMs) {
      throw new RangeError(`balloon TR ${mon.balloon.trMs} ms is not a whole number of temporal-average periods (${periodMs} ms)`);
    }
    const balloon = new BalloonMonitor(B, n, driver, periodMs / 1000, stride, Math.floor(nSteps / istep), mon.transient, timeUnitMs);
    list.push({ recordEvery: Infinity, record: () => undefined, collect: (q, out) => balloon.collect(q, out) });
  }
  return list;
}

function periodSteps(period: number, dt: number, what: string): number {
  const istep = Math.round(period / dt);
  if (istep < 1) throw new RangeError(`${what} period ${period} is shorter than dt ${dt}`);
  return istep;
}
