import { finishConnectome, type Connectome } from '../../src/connectome/index.js';
import { prepareSimulation, simulateBatch, defaultParameterSet, type SimulationSpec, type ParameterSet } from '../../src/simulator/index.js';
import { NumpyRandomState } from '../../src/simulator/rng.js';
import { blockSteps } from '../../src/simulator/simulate.js';

function connectome(n: number, weights: number[], lengths: number[]): Connectome {
  return finishConnectome({ n, weights: Float64Array.from(weights), tractLengths: Float64Array.from(lengths), labels: Array.from({ length: n }, (_, i) => `n${i}`), source: 'test' });
}

/** A small random network with delays of up to ~40 steps, self-loops and zeros. */
function randomNetwork(n: number, seed: number): Connectome {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const w: number[] = [];
  const l: number[] = [];
  for (let k = 0; k < n * n; k++) {
    w.push(u() < 0.4 ? 0 : u());
    l.push(Math.floor(k / n) === k % n ? 0 : 1 + 20 * u());
  }
  return connectome(n, w, l);
}

const baseSpec = (c: Connectome, over: Partial<SimulationSpec> = {}): SimulationSpec => ({
  connectome: c,
  speed: 5,
  dt: 0.1,
  duration: 20,
  timeUnitMs: 1,
  history: { kind: 'constant', r: 0.1, V: -2 },
  rng: 'fast',
  monitors: { transient: 0, raw: { every: 1 } },
  ...over,
});

/**
 * A plain re-implementation of TVB's reference loop (spec §3–§6): full history array, dense coupling,
 * noise from numpy's RandomState in (2, N) order per step. Independent of the simulator's ring buffer,
 * sparse graph and batch layout.
 */
function denseReference(c: Connectome, speed: number, dt: number, nSteps: number, p: ParameterSet, r0: number, V0: number, seed: number): Float64Array[] {
  const n = c.n;
  const d = Array.from(c.tractLengths, (t) => {
    const x = t / speed / dt;
    const f = Math.floor(x);
    return x - f > 0.5 || (x - f === 0.5 && f % 2 === 1) ? f + 1 : f;
  });
  const H = Math.max(...d) + 1;
  const R: number[][] = Array.from({ length: H + nSteps }, () => new Array(n).fill(r0));
  const Vh: number[][] = Array.from({ length: H + nSteps }, () => new Array(n).fill(V0));
  const rng = new NumpyRandomState(seed);
  const pv = (name: keyof ParameterSet['model'], i: number) => {
    const v = p.model[name];
    return typeof v === 'number' ? v : v[i];
  };
  const f = (i: number, r: number, V: number, cr: number, cv: number): [number, number] => {
    const tau = pv('tau', i);
    return [
      (pv('Delta', i) / (Math.PI * tau) + 2 * V * r) / tau,
      (V * V - Math.PI ** 2 * tau ** 2 * r * r + pv('eta', i) + pv('J', i) * tau * r + pv('I', i) + pv('cr', i) * cr + pv('cv', i) * cv) / tau,
    ];
  };
  const out: Float64Array[] = [];
  for (let k = 1; k <= nSteps; k++) {
    const now = H - 1 + k - 1; // index of state k-1
    const z = Array.from({ length: 2 * n }, () => rng.nextNormal());
    const next = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let sv = 0;
      for (let j = 0; j < n; j++) {
        sr += c.weights[i * n + j] * R[now - d[i * n + j]][j];
        sv += c.weights[i * n + j] * Vh[now - d[i * n + j]][j];
      }
      const cr = p.coupling.a * sr + p.coupling.b;
      const cv = p.coupling.a * sv + p.coupling.b;
      const xr = Math.sqrt(2 * p.nsig[0] * dt) * z[i];
      const xv = Math.sqrt(2 * p.nsig[1] * dt) * z[n + i];
      const r = R[now][i];
      const V = Vh[now][i];
      const [dr0, dV0] = f(i, r, V, cr, cv);
      const ri = Math.max(r + dt * dr0 + xr, 0);
      const Vi = V + dt * dV0 + xv;
      const [dr1, dV1] = f(i, ri, Vi, cr, cv);
      next[i] = Math.max(r + (dt * (dr0 + dr1)) / 2 + xr, 0);
      next[n + i] = V + (dt * (dV0 + dV1)) / 2 + xv;
    }
    for (let i = 0; i < n; i++) {
      R[now + 1][i] = next[i];
      Vh[now + 1][i] = next[n + i];
    }
    out.push(next);
  }
  return out;
}

describe('the simulator against a plain dense re-implementation', () => {
  test.each([
    ['short delays only (summed per step)', 5, 20],
    ['long delays too (summed per block, windows wrapping the ring)', 0.3, 60],
  ])('per-node parameters, V coupling, b, tau ≠ 1, numpy noise agree to 1e-12: %s', (_name, speed, duration) => {
    const c = randomNetwork(7, 3);
    const p: ParameterSet = {
      model: { tau: [1, 1.2, 0.9, 1.1, 1, 1.3, 0.8], Delta: 0.7, eta: [-4.6, -4.8, -4.4, -5, -4.6, -4.2, -4.9], J: 14.5, I: 0.1, cr: 1, cv: [0, 0.2, 0.1, 0, 0.3, 0, 0.05] },
      coupling: { a: 0.4, b: 0.01 },
      nsig: [0.01, 0.02],
    };
    const spec = baseSpec(c, { speed, duration, rng: 'numpy', history: { kind: 'constant', r: 0.2, V: -1.5 } });
    const setup = prepareSimulation(spec);
    expect(setup.graph.maxDelay).toBeGreaterThan(speed < 1 ? 2 * blockSteps : 20);
    const [res] = simulateBatch(setup, [p], [11]);
    const want = denseReference(c, speed, 0.1, setup.nSteps, p, 0.2, -1.5, 11);
    const T = setup.nSteps;
    expect(res.raw!.r.nTime).toBe(T);
    let worst = 0;
    for (let k = 0; k < T; k++)
      for (let i = 0; i < 7; i++) {
        worst = Math.max(worst, Math.abs(res.raw!.r.data[k * 7 + i] - want[k][i]), Math.abs(res.raw!.V.data[k * 7 + i] - want[k][7 + i]));
      }
    expect(worst).toBeLessThan(1e-12);
    expect(res.diverged).toBe(false);
  });

  test("TVB's random history and noise order: the first step from numpy's RandomState(42)", () => {
    // 3 nodes; node 0 receives node 1 with a 100-step delay (H = 101). numpy reference values:
    //   r = RandomState(42); hr = r.uniform(0, 2, (101, 3, 1)); hv = r.uniform(-2, 1.5, (101, 3, 1)); z = r.normal(size=(2, 3, 1))
    const r0 = [0.749080237694725, 1.9014286128198323, 1.4639878836228102];
    const V0 = [0.23100465524372282, 0.5413196680293155, 1.415482278118871];
    const rRow1 = [1.1973169683940732, 0.31203728088487304, 0.3119890406724053]; // time −100
    const z = [
      [-0.553649305347182, -1.1978778925888485, 1.9647251329163893],
      [0.03526355197172861, -0.6997255079925856, 0.213979910734222],
    ];
    const c = connectome(3, [0, 2, 0, 0, 0, 0, 0, 0, 0], [0, 30, 1, 30, 0, 1, 1, 1, 0]);
    const spec = baseSpec(c, { speed: 3, dt: 0.1, duration: 0.1, rng: 'numpy', history: { kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] } });
    const p = { ...defaultParameterSet(), coupling: { a: 0.5, b: 0 }, nsig: [0.01, 0.02] as const };
    const [res] = simulateBatch(prepareSimulation(spec), [p], [42]);
    const dt = 0.1;
    for (let i = 0; i < 3; i++) {
      const cr = i === 0 ? 0.5 * 2 * rRow1[1] : 0;
      const xr = Math.sqrt(2 * 0.01 * dt) * z[0][i];
      const xv = Math.sqrt(2 * 0.02 * dt) * z[1][i];
      const fr = (r: number, V: number) => 1 / Math.PI + 2 * V * r;
      const fV = (r: number, V: number) => V * V - Math.PI ** 2 * r * r - 5 + 15 * r + cr;
      const ri = Math.max(r0[i] + dt * fr(r0[i], V0[i]) + xr, 0);
      const Vi = V0[i] + dt * fV(r0[i], V0[i]) + xv;
      const rn = Math.max(r0[i] + (dt / 2) * (fr(r0[i], V0[i]) + fr(ri, Vi)) + xr, 0);
      const Vn = V0[i] + (dt / 2) * (fV(r0[i], V0[i]) + fV(ri, Vi)) + xv;
      expect(res.raw!.r.data[i]).toBeCloseTo(rn, 13);
      expect(res.raw!.V.data[i]).toBeCloseTo(Vn, 13);
    }
  });
});

describe('batches and seeds', () => {
  const c = randomNetwork(9, 5);
  const spec = baseSpec(c, { history: { kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] }, monitors: { transient: 5, tavg: { period: 1 }, raw: { every: 7 } } });
  const setup = prepareSimulation(spec);
  const ps: ParameterSet[] = [0.1, 0.3, 0.2, 0.5, 0.05].map((a, q) => ({
    ...defaultParameterSet(),
    model: { ...defaultParameterSet().model, eta: -4.6 - 0.1 * q, cv: q === 2 ? 0.1 : 0 },
    coupling: { a, b: 0 },
    nsig: [0.01 * (q + 1), q === 4 ? 0 : 0.02],
  }));
  const seeds = [1, 2, 3, 4, 5];

  test.each(['fast', 'numpy'] as const)('a batch gives exactly the one-by-one numbers (%s rng, sub-batches too)', (rng) => {
    const st = prepareSimulation({ ...spec, rng });
    const batch = simulateBatch(st, ps, seeds, { maxBatch: ps.length });
    const split = simulateBatch(st, ps, seeds, { maxBatch: 2 });
    ps.forEach((p, q) => {
      const [one] = simulateBatch(st, [p], [seeds[q]]);
      expect(batch[q].tavg!.r.data).toEqual(one.tavg!.r.data);
      expect(batch[q].tavg!.V.data).toEqual(one.tavg!.V.data);
      expect(batch[q].raw!.r.data).toEqual(one.raw!.r.data);
      expect(split[q].tavg!.V.data).toEqual(one.tavg!.V.data);
    });
    expect(batch[0].tavg!.r.time[0]).toBeCloseTo(5.5, 12);
    expect(batch[0].tavg!.r.nTime).toBe(15);
  });

  test('keep: a temporal average that only drives the Balloon model need not be stored', () => {
    const st = prepareSimulation({ ...spec, monitors: { transient: 0, tavg: { period: 1 }, balloon: { period: 1, trMs: 2 } } });
    const [all] = simulateBatch(st, [ps[0]], [1]);
    const [lean] = simulateBatch(st, [ps[0]], [1], { keep: ['balloon'] });
    expect(lean.tavg).toBeUndefined();
    expect(lean.balloon!.data).toEqual(all.balloon!.data);
    expect(all.balloon!.nTime).toBe(10);
  });

  test('same seed gives the same output, different seeds differ', () => {
    const [a, b, c2] = simulateBatch(setup, [ps[0], ps[0], ps[0]], [7, 7, 8]);
    expect(a.tavg!.r.data).toEqual(b.tavg!.r.data);
    expect(a.tavg!.r.data).not.toEqual(c2.tavg!.r.data);
  });

  test('a diverging simulation is flagged without touching the others', () => {
    const wild = { ...ps[0], coupling: { a: 1e6, b: 0 }, model: { ...ps[0].model, eta: 50 } };
    const [ok, bad] = simulateBatch(setup, [ps[0], wild], [1, 2], { maxBatch: 2 });
    const [alone] = simulateBatch(setup, [ps[0]], [1]);
    expect(bad.diverged).toBe(true);
    expect(bad.divergedAt).toBeGreaterThan(0);
    expect(ok.diverged).toBe(false);
    expect(ok.tavg!.r.data).toEqual(alone.tavg!.r.data);
  });
});

test('nsig = 0 is deterministic whatever the seed; speed = inf removes delays', () => {
  const c = randomNetwork(5, 9);
  const p = { ...defaultParameterSet(), coupling: { a: 0.2, b: 0 } };
  const setup = prepareSimulation(baseSpec(c));
  const [a, b] = simulateBatch(setup, [p, p], [1, 99]);
  expect(a.raw!.r.data).toEqual(b.raw!.r.data);
  expect(prepareSimulation(baseSpec(c, { speed: Infinity })).graph.maxDelay).toBe(0);
  expect(prepareSimulation(baseSpec(c, { duration: 1000, dt: 0.005 })).nSteps).toBe(200000);
});
