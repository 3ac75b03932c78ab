#!/usr/bin/env node
// Simulator benchmark (issue 2): TVB's standard case — connectivity_76, speed 3 mm/ms, dt 0.005 ms,
// nsig (0.01, 0.02), temporal average 0.1 ms — single simulation, batches, no delays, connectivity_998,
// each with the default kernel (WebAssembly SIMD, `kernel: 'auto'`) and the JavaScript kernel (the
// previous fast path, kept as fallback and test oracle), and a straightforward dense implementation of
// the same scheme (NbMPR-like: dense sum over all j with a delayed read per connection and step)
// measured in the same run as the baseline.
// Each case runs in its own child process (its own peak RSS); times are medians over repetitions, as
// wall and CPU time (CPU time is steadier when other processes share the cores).
// The memory floor (roofline) is measured in the same run: the time to read exactly the history bytes the
// long-delay coupling reads, in the same windows and order, with nothing computed or written
// (wasm/roofline.c), per batch size; and plain sequential read bandwidth for buffers the size of L2, of one
// and eight histories, and far beyond L3. `memoryFloor` sets each kernel time against its floor.
// Prints one JSON document. Env: BENCH_MS (simulated ms per repetition, default 200), BENCH_REPS (3).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/', import.meta.url);
const { loadConnectome, nonZeroCount, integerDelays } = await import(new URL('connectome/index.js', dist));
const { prepareSimulation, simulateBatch, defaultParameterSet, historyBytesPerSimulation } = await import(new URL('simulator/index.js', dist));
const { blockSteps } = await import(new URL('simulator/simulate.js', dist));
const { filterCouplingGraph } = await import(new URL('simulator/graph.js', dist));
const { createWasmKernel } = await import(new URL('simulator/wasm-kernel.js', dist));
const { XoshiroZiggurat, fastStateWords, zigguratTables } = await import(new URL('simulator/rng.js', dist));

const c998 = '/work/shared/data/connectivity/connectivity_998.zip';
const simMs = Number(process.env.BENCH_MS ?? 200);
const reps = Number(process.env.BENCH_REPS ?? 3);

function spec(connectome, speed, duration, nsig = true) {
  return {
    connectome,
    speed,
    dt: 0.005,
    duration,
    timeUnitMs: 1,
    history: { kind: 'constant', r: 0.1, V: -2 },
    rng: 'fast',
    monitors: { transient: 0, tavg: { period: 0.1 } },
    nsig,
  };
}
const params = (nsig = [0.01, 0.02]) => ({ ...defaultParameterSet(), nsig });

/**
 * The baseline: one simulation, float64, the same Heun scheme and monitor, written the plain way —
 * a dense double loop over all N×N weights every step reading `hist[j][(k-1-d) mod H]`, like TVB's
 * NbMPR kernel. Noise from the same generator kind so only the coupling/update code differs.
 */
function denseBaseline(connectome, speed, duration, nsig, seed) {
  const n = connectome.n;
  const dt = 0.005;
  const d = integerDelays(connectome, speed, dt);
  let H = 0;
  for (const x of d) H = Math.max(H, x);
  H += 2;
  const w = connectome.weights;
  const hr = new Float64Array(n * H).fill(0.1);
  const r = new Float64Array(n).fill(0.1);
  const V = new Float64Array(n).fill(-2);
  const rn = new Float64Array(n);
  const Vn = new Float64Array(n);
  const z = new Float64Array(2 * n);
  const { createRandom } = globalThis.__rng;
  const rng = createRandom('fast', seed);
  const sr = Math.sqrt(2 * nsig[0] * dt);
  const sv = Math.sqrt(2 * nsig[1] * dt);
  const nSteps = Math.ceil(duration / dt - 1e-9);
  const tavg = new Float64Array(n);
  const out = [];
  for (let k = 1; k <= nSteps; k++) {
    rng.fillNormal(z, 0, 2 * n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) {
        let slot = (k - 1 - d[i * n + j]) % H;
        if (slot < 0) slot += H;
        acc += w[i * n + j] * hr[j * H + slot];
      }
      const c = 0.00390625 * acc;
      const r0 = r[i];
      const V0 = V[i];
      const xr = sr * z[i];
      const xv = sv * z[n + i];
      const dr0 = 1 / Math.PI + 2 * V0 * r0;
      const dV0 = V0 * V0 - Math.PI * Math.PI * r0 * r0 - 5 + 15 * r0 + c;
      const ri = Math.max(r0 + dt * dr0 + xr, 0);
      const Vi = V0 + dt * dV0 + xv;
      const dr1 = 1 / Math.PI + 2 * Vi * ri;
      const dV1 = Vi * Vi - Math.PI * Math.PI * ri * ri - 5 + 15 * ri + c;
      rn[i] = Math.max(r0 + (dt / 2) * (dr0 + dr1) + xr, 0);
      Vn[i] = V0 + (dt / 2) * (dV0 + dV1) + xv;
    }
    for (let i = 0; i < n; i++) {
      r[i] = rn[i];
      V[i] = Vn[i];
      hr[i * H + (k % H)] = rn[i];
      tavg[i] += rn[i];
    }
    if (k % 20 === 0) {
      out.push(Float64Array.from(tavg, (x) => x / 20));
      tavg.fill(0);
    }
  }
  return out;
}

function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs: wall, cpuMs: (c.user + c.system) / 1000, result };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The long-delay coupling's reads alone for `B` simulations over `ms` simulated ms: per 64-step block, every
 * connection with delay ≥ 63 reads 64·B consecutive doubles of its source's ring (as accumulate_block).
 */
function rooflineCase(conn, B, ms) {
  const setup = prepareSimulation(spec(conn, 3, ms));
  const { n } = setup.graph;
  const ring = setup.ring;
  const long = filterCouplingGraph(setup.graph, (d) => d >= blockSteps - 1);
  const histLength = n * ring * B;
  const wasm = createWasmKernel(histLength * 8 + long.source.length * 8 + 64);
  const hist = wasm.f64(histLength);
  hist.fill(0.5); // touches every page, as the history fill does
  const source = wasm.i32(long.source.length);
  source.set(long.source);
  const delay = wasm.i32(long.delay.length);
  delay.set(long.delay);
  const nSteps = setup.nSteps;
  for (let k0 = 1; k0 <= 4000; k0 += blockSteps) wasm.readWindows(hist, source, delay, ring, B, k0, blockSteps); // warm-up: V8's optimising tier
  const times = [];
  for (let rep = 0; rep < reps; rep++) {
    times.push(
      timed(() => {
        let sum = 0;
        for (let k0 = 1; k0 <= nSteps; k0 += blockSteps) sum += wasm.readWindows(hist, source, delay, ring, B, k0, Math.min(blockSteps, nSteps - k0 + 1));
        return sum;
      }),
    );
  }
  const bytesPerStepPerSim = long.source.length * 8;
  const cpu = median(times.map((t) => t.cpuMs));
  return {
    kernel: 'roofline: history window reads only',
    simulations: B,
    steps: nSteps,
    longConnections: long.source.length,
    bytesReadPerStepPerSim: bytesPerStepPerSim,
    historyMiB: (histLength * 8) / 2 ** 20,
    usPerStepPerSimWall: (median(times.map((t) => t.wallMs)) * 1000) / nSteps / B,
    usPerStepPerSimCpu: (cpu * 1000) / nSteps / B,
    gbPerSecondCpu: (bytesPerStepPerSim * nSteps * B) / (cpu / 1000) / 1e9,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * The noise alone: one simulation's normal draws (2 per region and step, as the kernel draws them per
 * block in wasm) with nothing else computed — the other part of a step no batch layout can share.
 */
function noiseCase(conn, ms) {
  const draws = 2 * conn.n * blockSteps;
  const wasm = createWasmKernel(draws * 8 + 4 * fastStateWords + zigguratTables().kn.length * 20 + 64);
  const t = wasm.zigguratTables();
  const state = wasm.i32(fastStateWords);
  new XoshiroZiggurat(1).saveState(state, 0);
  const out = wasm.f64(draws);
  const nSteps = Math.ceil(ms / 0.005 - 1e-9);
  for (let k = 0; k < 4000; k += blockSteps) wasm.fillNormal(state, out, draws, t); // warm-up: V8's optimising tier
  const times = [];
  for (let rep = 0; rep < reps; rep++) times.push(timed(() => { for (let k = 0; k < nSteps; k += blockSteps) wasm.fillNormal(state, out, draws, t); }));
  return {
    kernel: 'noise: normal draws only (wasm)',
    drawsPerStep: 2 * conn.n,
    usPerStepPerSimWall: (median(times.map((x) => x.wallMs)) * 1000) / nSteps,
    usPerStepPerSimCpu: (median(times.map((x) => x.cpuMs)) * 1000) / nSteps,
  };
}

/** Sequential read bandwidth of a buffer of `bytes`, read repeatedly for ≥ 0.3 s of CPU per repetition. */
function sequentialCase(bytes) {
  const wasm = createWasmKernel(bytes + 64);
  const data = wasm.f64(Math.floor(bytes / 8));
  data.fill(0.5);
  const passes = Math.max(1, Math.ceil(3e9 / 10 / bytes));
  const times = [];
  for (let rep = 0; rep < reps; rep++) times.push(timed(() => { let s = 0; for (let p = 0; p < passes; p++) s += wasm.readSequential(data); return s; }));
  const cpu = median(times.map((t) => t.cpuMs));
  return { kernel: 'sequential read', bufferMiB: bytes / 2 ** 20, passes, gbPerSecondCpu: (bytes * passes) / (cpu / 1000) / 1e9, gbPerSecondWall: (bytes * passes) / (median(times.map((t) => t.wallMs)) / 1000) / 1e9 };
}

/** Child process: one case, printed as JSON. */
async function runCase(name) {
  if (name.startsWith('roofline')) return rooflineCase(loadConnectome('tvb:76'), Number(name.slice('roofline'.length)), simMs);
  if (name.startsWith('sequential')) return sequentialCase(Number(name.slice('sequential'.length)) * 2 ** 10);
  if (name === 'noise') return noiseCase(loadConnectome('tvb:76'), simMs);
  globalThis.__rng = await import(new URL('simulator/rng.js', dist));
  const c76 = loadConnectome('tvb:76');
  const cases = {
    single: () => ({ conn: c76, speed: 3, B: 1 }),
    singleJs: () => ({ conn: c76, speed: 3, B: 1, kernel: 'js' }),
    batch2: () => ({ conn: c76, speed: 3, B: 2 }),
    batch4: () => ({ conn: c76, speed: 3, B: 4 }),
    batch8: () => ({ conn: c76, speed: 3, B: 8 }),
    batch8Js: () => ({ conn: c76, speed: 3, B: 8, kernel: 'js' }),
    batch16: () => ({ conn: c76, speed: 3, B: 16 }),
    nodelaySingle: () => ({ conn: c76, speed: Infinity, B: 1 }),
    nodelaySingleJs: () => ({ conn: c76, speed: Infinity, B: 1, kernel: 'js' }),
    nodelayBatch8: () => ({ conn: c76, speed: Infinity, B: 8 }),
    dense: () => ({ conn: c76, speed: 3, B: 1, baseline: true }),
    denseNodelay: () => ({ conn: c76, speed: Infinity, B: 1, baseline: true }),
    single998: () => ({ conn: loadConnectome(c998), speed: 3, B: 1, ms: Math.min(simMs, 20) }),
    single1000ms: () => ({ conn: c76, speed: 3, B: 1, ms: 1000, reps: 1 }),
    // As TVB's Numba figure (≈ 3.2 s for 1000 ms *after* a 1.2 s compile): the process has run one 20 ms
    // simulation first, so V8 has compiled the kernel with its optimising tier.
    single1000msWarm: () => ({ conn: c76, speed: 3, B: 1, ms: 1000, reps: 3, warmUpMs: 20 }),
  };
  const cs = cases[name]();
  const ms = cs.ms ?? simMs;
  const nSteps = Math.ceil(ms / 0.005 - 1e-9);
  const times = [];
  if (cs.warmUpMs) simulateBatch(prepareSimulation(spec(cs.conn, cs.speed, cs.warmUpMs)), [params()], [99], { maxBatch: 1 });
  for (let rep = 0; rep < (cs.reps ?? reps); rep++) {
    if (cs.baseline) times.push(timed(() => denseBaseline(cs.conn, cs.speed, ms, [0.01, 0.02], rep + 1)));
    else {
      const setup = prepareSimulation(spec(cs.conn, cs.speed, ms));
      const opts = { maxBatch: cs.B, kernel: cs.kernel ?? 'auto' };
      times.push(timed(() => simulateBatch(setup, Array.from({ length: cs.B }, () => params()), Array.from({ length: cs.B }, (_, q) => rep * 100 + q + 1), opts)));
    }
  }
  const per = (t) => (t * 1000) / nSteps / cs.B;
  return {
    kernel: cs.baseline ? 'dense baseline' : cs.kernel ?? 'auto (wasm)',
    regions: cs.conn.n,
    nonZeroWeights: nonZeroCount(cs.conn),
    simulations: cs.B,
    simulatedMs: ms,
    steps: nSteps,
    repetitions: times.length,
    usPerStepPerSimWall: per(median(times.map((t) => t.wallMs))),
    usPerStepPerSimCpu: per(median(times.map((t) => t.cpuMs))),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Deterministic agreement of the baseline with the simulator (so the ratio compares like with like). */
function agreement() {
  const c76 = loadConnectome('tvb:76');
  const base = denseBaseline(c76, 3, 20, [0, 0], 1);
  const [res] = simulateBatch(prepareSimulation(spec(c76, 3, 20)), [params([0, 0])], [1]);
  let d = 0;
  base.forEach((row, s) => row.forEach((x, i) => (d = Math.max(d, Math.abs(x - res.tavg.r.data[s * 76 + i])))));
  return d;
}

/** The wasm and JS kernels on the same noisy batch: must be 0 (bit-identical). */
function kernelAgreement() {
  const setup = prepareSimulation(spec(loadConnectome('tvb:76'), 3, 20));
  const ps = [params(), params([0.02, 0.01])];
  const [w, j] = ['wasm', 'js'].map((kernel) => simulateBatch(setup, ps, [1, 2], { kernel }));
  let d = 0;
  w.forEach((res, q) => res.tavg.r.data.forEach((x, k) => (d = Math.max(d, Math.abs(x - j[q].tavg.r.data[k])))));
  return d;
}

/** Bytes of one simulation's r history in the standard case (76 nodes × ring slots × 8). */
function historyBytes() {
  return historyBytesPerSimulation(prepareSimulation(spec(loadConnectome('tvb:76'), 3, 1)), false);
}

if (process.argv[2] === '--case') {
  process.stdout.write(JSON.stringify(await runCase(process.argv[3])));
} else {
  globalThis.__rng = await import(new URL('simulator/rng.js', dist));
  const load0 = loadavg();
  const historyKiB = Math.round(historyBytes() / 1024);
  const rooflines = [1, 2, 4, 8, 16].map((B) => `roofline${B}`);
  const sequential = [512, historyKiB, 8 * historyKiB, 512 * 1024].map((kib) => `sequential${kib}`);
  const names = ['single', 'singleJs', 'dense', 'batch2', 'batch4', 'batch8', 'batch8Js', 'batch16', 'nodelaySingle', 'nodelaySingleJs', 'denseNodelay', 'nodelayBatch8', 'single1000ms', 'single1000msWarm', 'noise', ...rooflines, ...sequential];
  if (existsSync(c998)) names.push('single998');
  const results = {};
  const runCaseProcess = (name) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--case', name], { encoding: 'utf8', maxBuffer: 1 << 24 }));
  for (const name of names) {
    process.stderr.write(`  simulator: ${name}\n`);
    if (name !== 'single1000ms') results[name] = runCaseProcess(name);
    else {
      // One repetition per fresh process is the noisiest number here: five processes, the median by wall time.
      const runs = Array.from({ length: 5 }, () => runCaseProcess(name)).sort((a, b) => a.usPerStepPerSimWall - b.usPerStepPerSimWall);
      results[name] = { ...runs[2], processes: runs.length, wallRangeUsPerStep: [runs[0].usPerStepPerSimWall, runs[4].usPerStepPerSimWall] };
    }
  }
  const ratio = (a, b, k) => results[b][k] / results[a][k];
  const kernelCase = { 1: 'single', 2: 'batch2', 4: 'batch4', 8: 'batch8', 16: 'batch16' };
  const memoryFloor = Object.fromEntries(
    Object.entries(kernelCase).map(([B, name]) => {
      const floor = results[`roofline${B}`];
      return [
        `batch${B}`,
        {
          historyMiB: +floor.historyMiB.toFixed(1),
          floorUsPerStepPerSimCpu: floor.usPerStepPerSimCpu,
          floorGbPerSecond: floor.gbPerSecondCpu,
          kernelUsPerStepPerSimCpu: results[name].usPerStepPerSimCpu,
          kernelOverFloor: results[name].usPerStepPerSimCpu / floor.usPerStepPerSimCpu,
          floorPlusNoiseUsPerStepPerSimCpu: floor.usPerStepPerSimCpu + results.noise.usPerStepPerSimCpu,
        },
      ];
    }),
  );
  const floorOf = (B) => memoryFloor[`batch${B}`].floorUsPerStepPerSimCpu;
  const withNoise = (B) => memoryFloor[`batch${B}`].floorPlusNoiseUsPerStepPerSimCpu;
  const batchSizes = [1, 2, 4, 8, 16];
  console.log(
    JSON.stringify(
      {
        case: 'connectivity_76, speed 3 mm/ms, dt 0.005 ms, nsig (0.01, 0.02), TemporalAverage 0.1 ms, fast RNG',
        simulatedMsPerRepetition: simMs,
        loadAverageBeforeAfter: [load0, loadavg()].map((l) => l.map((x) => +x.toFixed(2))),
        baselineMaxAbsDiffDeterministic20ms: agreement(),
        wasmVsJsKernelMaxAbsDiffNoisy20ms: kernelAgreement(),
        results,
        speedupOverDenseBaseline: {
          delayCpu: ratio('single', 'dense', 'usPerStepPerSimCpu'),
          delayWall: ratio('single', 'dense', 'usPerStepPerSimWall'),
          nodelayCpu: ratio('nodelaySingle', 'denseNodelay', 'usPerStepPerSimCpu'),
          jsKernelDelayCpu: ratio('singleJs', 'dense', 'usPerStepPerSimCpu'),
        },
        wasmSpeedupOverJsKernel: {
          singleCpu: ratio('single', 'singleJs', 'usPerStepPerSimCpu'),
          batch8Cpu: ratio('batch8', 'batch8Js', 'usPerStepPerSimCpu'),
          nodelaySingleCpu: ratio('nodelaySingle', 'nodelaySingleJs', 'usPerStepPerSimCpu'),
        },
        batching: {
          batch2PerSimSpeedupOverSingleCpu: ratio('batch2', 'single', 'usPerStepPerSimCpu'),
          batch4PerSimSpeedupOverSingleCpu: ratio('batch4', 'single', 'usPerStepPerSimCpu'),
          batch8PerSimSpeedupOverSingleCpu: ratio('batch8', 'single', 'usPerStepPerSimCpu'),
          batch16PerSimSpeedupOverSingleCpu: ratio('batch16', 'single', 'usPerStepPerSimCpu'),
        },
        memoryFloor,
        sequentialReadGbPerSecondCpu: Object.fromEntries(sequential.map((name) => [`${results[name].bufferMiB.toFixed(1)} MiB`, results[name].gbPerSecondCpu])),
        targets: { singleUsPerStep: 2, batchUsPerStepPerSim: 0.5, tvbNumbaUsPerStep: 16 },
        findings: [
          `single, 1000 ms: ${results.single1000msWarm.usPerStepPerSimWall.toFixed(2)} µs/step wall (${results.single1000msWarm.usPerStepPerSimCpu.toFixed(2)} CPU) in a warm process, ` +
            `${results.single1000ms.usPerStepPerSimWall.toFixed(2)} wall (${results.single1000ms.usPerStepPerSimCpu.toFixed(2)} CPU; median of 5 processes, ` +
            `${results.single1000ms.wallRangeUsPerStep.map((x) => x.toFixed(2)).join('–')}) as a fresh process's first simulation, against the 2 µs target`,
          `batch target 0.5 µs/step/sim vs the long-delay history reads alone (${batchSizes.map((B) => `B=${B} ${floorOf(B).toFixed(2)}`).join(', ')}) ` +
            `plus the noise draws alone (${results.noise.usPerStepPerSimCpu.toFixed(2)}): ${batchSizes.map((B) => `B=${B} ${withNoise(B).toFixed(2)}`).join(', ')} µs/step/sim before any arithmetic — ` +
            (batchSizes.every((B) => withNoise(B) > 0.5)
              ? 'above the target at every batch size'
              : `at or below the target for B = ${batchSizes.filter((B) => withNoise(B) <= 0.5).join(', ')}`),
          `fastest per simulation: B=${batchSizes.reduce((best, B) => (memoryFloor[`batch${B}`].kernelUsPerStepPerSimCpu < memoryFloor[`batch${best}`].kernelUsPerStepPerSimCpu ? B : best), 1)} (simulateBatch's default with the wasm kernel is 1)`,
        ],
        notes: existsSync(c998) ? [] : [`${c998} not found: connectivity_998 skipped`],
      },
      null,
      2,
    ),
  );
}
