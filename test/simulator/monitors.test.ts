import { BoldMonitor } from '../../src/simulator/monitors/bold.js';
import { BalloonMonitor } from '../../src/simulator/monitors/balloon.js';
import { TemporalAverageMonitor } from '../../src/simulator/monitors/temporal-average.js';
import { RawMonitor } from '../../src/simulator/monitors/raw.js';
import type { MonitorOutputs } from '../../src/simulator/monitors/monitor.js';

// Monitors are driven here with synthetic inputs whose responses are computed independently below.

/** G(t) of TVB's FirstOrderVolterra, written out again from the spec (§9.1), t in seconds. */
function kernel(t: number): number {
  const tauS = 0.8;
  const tauF = 0.4;
  const w = Math.sqrt(1 / tauF - 1 / (4 * tauS * tauS));
  return (Math.exp(-t / (2 * tauS)) * Math.sin(w * t)) / w / 3;
}

describe('Bold monitor (Volterra kernel)', () => {
  // dt = 1 ms: 4-step boxcars, output every 2000 steps; two simulations in one batch, one node.
  const nSteps = 30000;
  const run = (input: (step: number, sim: number) => number) => {
    const m = new BoldMonitor(2, 1, 2000, 20000, nSteps, 1, 0, 1);
    const r = new Float64Array(2);
    const V = new Float64Array(2);
    for (let k = 1; k <= nSteps; k++) {
      r[0] = input(k, 0);
      r[1] = input(k, 1);
      V[0] = V[1] = 0;
      m.record(k, r, V);
    }
    return [0, 1].map((b) => {
      const out: MonitorOutputs = {};
      m.collect(b, out);
      return out.bold!;
    });
  };

  test('constant input: after 20 s every stock slot is filled, BOLD = k1·V0·(c·ΣG − 1)', () => {
    const [a, b] = run((_k, sim) => (sim === 0 ? 0.5 : 2));
    expect(a.r.nTime).toBe(15);
    expect(Array.from(a.r.time)).toEqual(Array.from({ length: 15 }, (_, i) => (i + 1) * 2000));
    let sumG = 0;
    for (let m = 0; m < 5000; m++) sumG += kernel(m * 0.004);
    const want = (c: number) => 0.112 * (c * sumG - 1);
    for (let s = 10; s < 15; s++) {
      expect(a.r.data[s]).toBeCloseTo(want(0.5), 10);
      expect(b.r.data[s]).toBeCloseTo(want(2), 10);
      expect(a.V.data[s]).toBeCloseTo(-0.112, 12); // V input is 0
    }
    // Before 20 s only the samples so far count (unfilled slots are 0): at 2 s, 500 boxcars.
    let partial = 0;
    for (let j = 1; j < 500; j++) partial += kernel((j - 1) * 0.004);
    partial += kernel(4999 * 0.004); // the newest sample gets the kernel's last value
    expect(a.r.data[0]).toBeCloseTo(0.112 * (0.5 * partial - 1), 10);
  });

  test('a single 4 ms pulse is seen with TVB lag convention G((j−1)·4 ms) j boxcars later', () => {
    // pulse fills boxcar number 1000 (steps 3997..4000); outputs at 6 s, 8 s, … see it j = 500, 1000, … later.
    const [a] = run((k) => (k > 3996 && k <= 4000 ? 1 : 0));
    for (let s = 2; s < 5; s++) {
      const kk = ((s + 1) * 2000) / 4;
      const j = kk - 1000;
      expect(a.r.data[s]).toBeCloseTo(0.112 * (kernel((j - 1) * 0.004) - 1), 12);
    }
  });
});

/** The Balloon–Windkessel ODE of spec §9.2, integrated independently with classical RK4 and fine steps. */
function balloonRk4(x: (tS: number) => number, tEnd: number, h: number, sampleEvery: number): number[] {
  const p = { ts: 1.54, tf: 1.44, to: 0.98, al: 0.32, E0: 0.4, V0: 4 };
  const k1 = 4.3 * 40.3 * 0.4 * 0.04;
  const k2 = 0.5 * 25 * 0.4 * 0.04;
  const k3 = 0.5;
  // The input is piecewise constant and switches on step edges, so each RK4 step holds it at its midpoint value.
  const f = (xi: number, y: number[]): number[] => {
    const [s, fl, v, q] = y;
    return [
      xi - s / p.ts - (fl - 1) / p.tf,
      s,
      (fl - v ** (1 / p.al)) / p.to,
      ((fl * (1 - (1 - p.E0) ** (1 / fl))) / p.E0 - (v ** (1 / p.al) * q) / v) / p.to,
    ];
  };
  let y = [0, 1, 1, 1];
  const out: number[] = [];
  const steps = Math.round(tEnd / h);
  for (let k = 0; k <= steps; k++) {
    if (k % sampleEvery === 0) out.push(p.V0 * (k1 * (1 - y[3]) + k2 * (1 - y[3] / y[2]) + k3 * (1 - y[2])));
    const xi = x(k * h + h / 2);
    const a = f(xi, y);
    const b = f(xi, y.map((v, i) => v + (h / 2) * a[i]));
    const c = f(xi, y.map((v, i) => v + (h / 2) * b[i]));
    const d = f(xi, y.map((v, i) => v + h * c[i]));
    y = y.map((v, i) => v + (h / 6) * (a[i] + 2 * b[i] + 2 * c[i] + d[i]));
  }
  return out;
}

describe('Balloon–Windkessel on the temporal average', () => {
  // Model dt 0.1 "units" of 10 ms each (tvb-inversion's convention) → tavg period 1 unit = 10 ms real.
  const drive = (input: (stepIdx: number) => number, nSteps: number, trMs: number, dt = 0.1) => {
    const periodMs = 10 * dt * 10;
    const tavg = new TemporalAverageMonitor(1, 1, 10, nSteps, dt, 0, 10, true);
    const balloon = new BalloonMonitor(1, 1, tavg, periodMs / 1000, trMs / periodMs, nSteps / 10, 0, 10);
    const r = new Float64Array(1);
    const V = new Float64Array(1);
    for (let k = 1; k <= nSteps; k++) {
      r[0] = input(k);
      tavg.record(k, r, V);
    }
    const out: MonitorOutputs = {};
    balloon.collect(0, out);
    tavg.collect(0, out);
    return out;
  };

  test('step input 0 → 0.3 at 5 s follows an RK4 solution of the ODE; sample 0 is exactly 0', () => {
    // 40 s of real time = 4000 tavg samples (10 ms) = 40000 model steps; TR 1 s keeps every 100th.
    const out = drive((k) => (k > 5000 ? 0.3 : 0), 40000, 1000);
    const bold = out.balloon!;
    expect(bold.nTime).toBe(40);
    expect(bold.data[0]).toBe(0);
    expect(bold.time[0]).toBeCloseTo(5, 9); // centre of the first average (0.5 units of 10 ms), in ms
    // Input to the ODE: the tavg sample m (held over [m·0.01 s, (m+1)·0.01 s)) steps from 0 to 0.3 at 5 s.
    const want = balloonRk4((t) => (t >= 5 ? 0.3 : 0), 40, 0.0005, 2000).slice(0, 40);
    const worst = (b: typeof bold) => Math.max(...want.map((w, s) => Math.abs(b.data[s] - w)));
    expect(worst(bold)).toBeLessThan(3e-5);
    // Heun is second order: halving the step (tavg period 5 ms) cuts the error about 4×.
    const fine = drive((k) => (k > 10000 ? 0.3 : 0), 80000, 1000, 0.05).balloon!;
    expect(fine.nTime).toBe(40);
    const ratio = worst(bold) / worst(fine);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5);
    expect(Math.max(...Array.from(bold.data).map(Math.abs))).toBeGreaterThan(0.1); // the step is visible
  });

  test('constant input settles at the analytic steady state', () => {
    const c = 0.2;
    const out = drive(() => c, 60000, 2000);
    const bold = out.balloon!;
    const f = 1 + 1.44 * c;
    const v = f ** 0.32;
    const q = (v * (1 - 0.6 ** (1 / f))) / 0.4;
    const y = 4 * (4.3 * 40.3 * 0.4 * 0.04 * (1 - q) + 0.5 * 25 * 0.4 * 0.04 * (1 - q / v) + 0.5 * (1 - v));
    expect(bold.data[bold.nTime - 1]).toBeCloseTo(y, 6);
    expect(out.tavg!.r.data[0]).toBeCloseTo(c, 15);
  });
});

describe('raw and temporal average', () => {
  test('labels, subsampling and transient', () => {
    const raw = new RawMonitor(1, 1, 5, 100, 0.1, 2, 1);
    const tavg = new TemporalAverageMonitor(1, 1, 10, 100, 0.1, 2, 1, true);
    const r = new Float64Array(1);
    const V = new Float64Array(1);
    for (let k = 1; k <= 100; k++) {
      r[0] = k;
      V[0] = -k;
      raw.record(k, r, V);
      tavg.record(k, r, V);
    }
    const out: MonitorOutputs = {};
    raw.collect(0, out);
    tavg.collect(0, out);
    expect(Array.from(out.raw!.r.time).map((t) => +t.toFixed(9))).toEqual([2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]);
    expect(out.raw!.r.data[0]).toBe(20);
    expect(Array.from(out.tavg!.r.time).map((t) => +t.toFixed(9))).toEqual([2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]);
    expect(out.tavg!.r.data[0]).toBe(25.5); // mean of steps 21..30
    expect(out.tavg!.V.data[0]).toBe(-25.5);
  });
});
