import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishConnectome, type Connectome } from '../../src/connectome/index.js';
import { prepareSimulation, simulateBatch, defaultParameterSet, type SimulationSpec, type ParameterSet } from '../../src/simulator/index.js';
import { blockSteps } from '../../src/simulator/simulate.js';
import { kernelWasmBase64, kernelWasmCompiler } from '../../src/simulator/wasm/kernel-wasm.js';

/** A random network with self-loops, zeros and delays up to `maxLength / speed / dt` steps. */
function randomNetwork(n: number, seed: number, maxLength: number): Connectome {
  let s = seed;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const w: number[] = [];
  const l: number[] = [];
  for (let k = 0; k < n * n; k++) {
    w.push(u() < 0.4 ? 0 : u());
    l.push(Math.floor(k / n) === k % n ? 0 : 1 + maxLength * u());
  }
  return finishConnectome({ n, weights: Float64Array.from(w), tractLengths: Float64Array.from(l), labels: Array.from({ length: n }, (_, i) => `n${i}`), source: 'test' });
}

const spec = (c: Connectome, speed: number, over: Partial<SimulationSpec> = {}): SimulationSpec => ({
  connectome: c,
  speed,
  dt: 0.1,
  duration: 40,
  timeUnitMs: 1,
  history: { kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] },
  rng: 'fast',
  monitors: { transient: 0, raw: { every: 1 }, tavg: { period: 1 } },
  ...over,
});

const params = (n: number): ParameterSet[] =>
  [0.1, 0.4, 0.25].map((a, q) => ({
    model: { ...defaultParameterSet().model, tau: Array.from({ length: n }, (_, i) => 1 + 0.05 * ((i + q) % 4)), eta: -4.6 - 0.1 * q, J: 14.5 + q, Delta: 0.7, I: 0.05 * q },
    coupling: { a, b: 0.01 * q },
    nsig: [0.01 * (q + 1), q === 2 ? 0 : 0.02],
  }));

describe('the WebAssembly kernel gives the JavaScript kernel’s numbers bit for bit', () => {
  test.each([
    ['short delays only (per-step sums)', 40, 20],
    ['long delays, windows wrapping the ring (per-block sums)', 0.5, 25],
    ['no delays', Infinity, 20],
  ])('%s, single simulations and a batch of 3', (_name, speed, maxLength) => {
    const c = randomNetwork(11, 7, maxLength);
    const setup = prepareSimulation(spec(c, speed));
    if (speed === 0.5) {
      // Block sums exist, and the ring is short enough that block windows wrap around its end.
      expect(setup.graph.maxDelay).toBeGreaterThan(blockSteps);
      expect(setup.ring).toBeLessThan(3 * blockSteps);
    }
    const ps = params(c.n);
    const seeds = [3, 4, 5];
    const js = simulateBatch(setup, ps, seeds, { kernel: 'js' });
    const wasmBatch = simulateBatch(setup, ps, seeds, { kernel: 'wasm', maxBatch: 3 });
    const wasmOne = ps.map((p, q) => simulateBatch(setup, [p], [seeds[q]], { kernel: 'wasm' })[0]);
    ps.forEach((_, q) => {
      for (const got of [wasmBatch[q], wasmOne[q]]) {
        expect(got.raw!.r.data).toEqual(js[q].raw!.r.data);
        expect(got.raw!.V.data).toEqual(js[q].raw!.V.data);
        expect(got.tavg!.r.data).toEqual(js[q].tavg!.r.data);
      }
    });
    // The dynamics were not trivial: states move and r is clipped at 0 somewhere or stays positive.
    expect(new Set(js[0].raw!.V.data).size).toBeGreaterThan(100);
  });

  test("numpy's generator: block-drawn noise in the wasm path is the per-step stream of the JS path", () => {
    const c = randomNetwork(5, 11, 25);
    const setup = prepareSimulation(spec(c, 1, { rng: 'numpy', duration: 20 }));
    const ps = params(c.n);
    const js = simulateBatch(setup, ps, [7, 8, 9], { kernel: 'js' });
    const wasm = simulateBatch(setup, ps, [7, 8, 9], { kernel: 'wasm', maxBatch: 3 });
    ps.forEach((_, q) => expect(wasm[q].raw!.V.data).toEqual(js[q].raw!.V.data));
  });

  test('a constant per-node history fills every simulation of a batch (batch = one by one, both kernels)', () => {
    const c = randomNetwork(8, 4, 25);
    const setup = prepareSimulation(spec(c, 1, { history: { kind: 'constant', r: [0.1, 0.3, -0.2, 0.5, 0.05, 0.2, 0.4, 0.15], V: [-2, -1, -1.5, -0.5, -2.2, -1.8, -1.1, -0.9] } }));
    const ps = params(c.n);
    for (const kernel of ['js', 'wasm'] as const) {
      const batch = simulateBatch(setup, ps, [1, 2, 3], { kernel, maxBatch: 3 });
      ps.forEach((p, q) => {
        const [one] = simulateBatch(setup, [p], [q + 1], { kernel });
        expect(batch[q].raw!.r.data).toEqual(one.raw!.r.data);
        expect(batch[q].raw!.V.data).toEqual(one.raw!.V.data);
      });
    }
  });

  test('every monitor at once: raw every 3rd step and BOLD (steps split for JavaScript), a stored average and a Balloon driver of another period (two averages in wasm), transient', () => {
    const c = randomNetwork(9, 5, 25);
    const monitors = { transient: 3, raw: { every: 3 }, tavg: { period: 0.5 }, bold: { periodMs: 8, hrfLengthMs: 40 }, balloon: { period: 0.2, trMs: 1 } };
    const setup = prepareSimulation(spec(c, 1, { duration: 47.3, monitors }));
    expect(setup.nSteps % blockSteps).not.toBe(0); // a short last block
    const ps = params(c.n);
    const js = simulateBatch(setup, ps, [3, 4, 5], { kernel: 'js' });
    const wasmBatch = simulateBatch(setup, ps, [3, 4, 5], { kernel: 'wasm', maxBatch: 3 });
    const wasmOne = ps.map((p, q) => simulateBatch(setup, [p], [q + 3], { kernel: 'wasm' })[0]);
    ps.forEach((_, q) => {
      for (const got of [wasmBatch[q], wasmOne[q]]) {
        for (const m of ['raw', 'tavg', 'bold'] as const) {
          expect(got[m]!.r.data).toEqual(js[q][m]!.r.data);
          expect(got[m]!.V.data).toEqual(js[q][m]!.V.data);
          expect(got[m]!.r.time).toEqual(js[q][m]!.r.time);
        }
        expect(got.balloon!.data).toEqual(js[q].balloon!.data);
        expect(got.balloon!.time).toEqual(js[q].balloon!.time);
      }
    });
    expect(js[0].tavg!.r.nTime).toBe(Math.floor(setup.nSteps / 5) - 6); // windows centred at 0.25 … 2.75 dropped
    expect(js[0].balloon!.nTime).toBeGreaterThan(40);
  });

  test('a diverging simulation is flagged at the same check by both kernels; the others of its batch are not', () => {
    const c = randomNetwork(6, 8, 25);
    const setup = prepareSimulation(spec(c, 1, { duration: 30 }));
    const ps = params(c.n);
    ps[1] = { ...ps[1], model: { ...ps[1].model, eta: 40, J: 60 } };
    ps[2] = { ...ps[0], coupling: { a: 0.05, b: 0 } };
    const [js, wasm] = (['js', 'wasm'] as const).map((kernel) => simulateBatch(setup, ps, [1, 2, 3], { kernel, maxBatch: 3 }));
    expect(js.map((r) => r.diverged)).toEqual([false, true, false]);
    expect(js[1].divergedAt).toBeGreaterThan(0);
    expect(js[1].divergedAt! / 0.1 % 64).toBeCloseTo(0, 6); // found at a 64-step check
    expect(wasm.map((r) => [r.diverged, r.divergedAt])).toEqual(js.map((r) => [r.diverged, r.divergedAt]));
    expect(wasm[0].raw!.V.data).toEqual(js[0].raw!.V.data);
  });

  test('auto picks a kernel that gives the same numbers; wasm refuses V coupling with a fix', () => {
    const c = randomNetwork(6, 2, 10);
    const setup = prepareSimulation(spec(c, 5));
    const p = params(6)[1];
    const [auto] = simulateBatch(setup, [p], [9]);
    const [js] = simulateBatch(setup, [p], [9], { kernel: 'js' });
    expect(auto.raw!.r.data).toEqual(js.raw!.r.data);
    const withV = { ...p, model: { ...p.model, cv: 0.1 } };
    expect(() => simulateBatch(setup, [withV], [9], { kernel: 'wasm' })).toThrow(/cv ≠ 0 — fix: use kernel "auto" or "js"/);
    const [autoV] = simulateBatch(setup, [withV], [9]);
    const [jsV] = simulateBatch(setup, [withV], [9], { kernel: 'js' });
    expect(autoV.raw!.V.data).toEqual(jsV.raw!.V.data);
  });
});

test('the committed wasm module is the build of kernel.c (checked when the same clang is installed)', () => {
  let version = '';
  try {
    version = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    execFileSync('wasm-ld', ['--version'], { encoding: 'utf8' });
  } catch {
    console.warn('clang/wasm-ld not installed: the committed kernel-wasm.ts was not rebuilt');
    return;
  }
  if (version !== kernelWasmCompiler) {
    console.warn(`clang is "${version}", the module was built by "${kernelWasmCompiler}": not compared`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpcinv-wasm-'));
  try {
    const out = join(dir, 'kernel-wasm.ts');
    execFileSync('bash', [new URL('../../scripts/build-simulator-wasm.sh', import.meta.url).pathname, out]);
    const rebuilt = /'([A-Za-z0-9+/=]+)';/.exec(readFileSync(out, 'utf8'))![1];
    expect(rebuilt).toBe(kernelWasmBase64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
