import { SampleStore, type Monitor, type MonitorOutputs } from './monitor.js';
import type { TemporalAverageMonitor } from './temporal-average.js';

/** TVB `BalloonModel` constants (shared/spec/tvb-mpr.md §9.2), times in seconds. */
export const balloonConstants = {
  tauS: 1.54,
  tauF: 1.44,
  tauO: 0.98,
  alpha: 0.32,
  TE: 0.04,
  V0: 4.0,
  E0: 0.4,
  epsilon: 0.5,
  nu0: 40.3,
  r0: 25,
};

/**
 * The Balloon–Windkessel model as TVB's `analyzers.fmri_balloon.BalloonModel` with its defaults (revised
 * coefficients, non-linear output, HeunDeterministic, both stages using input x[m], start at rest
 * s = 0, f = v = q = 1, no mean removal), run online on the temporal average of r so that no long r
 * series is stored. Output sample m is y before the update with x[m], so sample 0 is exactly 0 (the
 * onset step tvb-inversion's features depend on: shared/spec/deliverable-case.md §6). Every `stride`-th
 * sample is kept (tvb-inversion's `[::2000]` for TR 2 s at 1 ms), labelled with the tavg time.
 */
export class BalloonMonitor implements Pick<Monitor, 'collect'> {
  private readonly s: Float64Array;
  private readonly f: Float64Array;
  private readonly v: Float64Array;
  private readonly q: Float64Array;
  private readonly store: SampleStore;
  private m = 0;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(
    private readonly nSims: number,
    private readonly n: number,
    tavg: TemporalAverageMonitor,
    /** Integration step in seconds: the tavg period in real time. */
    private readonly dtS: number,
    private readonly stride: number,
    nSamplesIn: number,
    private readonly transient: number,
    private readonly timeUnitMs: number,
  ) {
    const m = n * nSims;
    this.s = new Float64Array(m);
    this.f = new Float64Array(m).fill(1);
    this.v = new Float64Array(m).fill(1);
    this.q = new Float64Array(m).fill(1);
    const c = balloonConstants;
    this.k1 = 4.3 * c.nu0 * c.E0 * c.TE;
    this.k2 = c.epsilon * c.r0 * c.E0 * c.TE;
    this.k3 = 1 - c.epsilon;
    // An upper bound: samples before the transient are not stored.
    const kept = Math.ceil(nSamplesIn / stride);
    this.store = new SampleStore(nSims, n, kept, 1);
    tavg.listeners.push((t, meanR) => this.onSample(t, meanR));
  }

  private keep(t: number): boolean {
    return t >= this.transient;
  }

  private onSample(t: number, x: Float64Array): void {
    const { s, f, v, q, n, nSims: B } = this;
    if (this.m % this.stride === 0 && this.keep(t)) {
      const idx = this.store.next(t * this.timeUnitMs);
      const V0 = balloonConstants.V0;
      for (let b = 0; b < B; b++) {
        const out = this.store.row(b, 0);
        for (let i = 0; i < n; i++) {
          const k = i * B + b;
          out[idx * n + i] = V0 * (this.k1 * (1 - q[k]) + this.k2 * (1 - q[k] / v[k]) + this.k3 * (1 - v[k]));
        }
      }
    }
    this.m++;
    const { tauS, tauF, tauO, alpha, E0 } = balloonConstants;
    const dt = this.dtS;
    // v^(1/α) with 1/α = 3.125 = 3 + 1/8 exactly: v³·v^(1/8) by three square roots is several times
    // cheaper than pow and agrees with it to the last ulp or two; (1 − E0)^(1/f) = exp(ln(1 − E0)/f).
    const eighthRoot = 1 / alpha === 3.125;
    const ia = 1 / alpha;
    const lnE = Math.log(1 - E0);
    const m = s.length;
    for (let k = 0; k < m; k++) {
      const x0 = x[k];
      const s0 = s[k], f0 = f[k], v0 = v[k], q0 = q[k];
      const va0 = eighthRoot ? v0 * v0 * v0 * Math.sqrt(Math.sqrt(Math.sqrt(v0))) : Math.pow(v0, ia);
      const ds0 = x0 - s0 / tauS - (f0 - 1) / tauF;
      const df0 = s0;
      const dv0 = (f0 - va0) / tauO;
      const dq0 = ((f0 * (1 - Math.exp(lnE / f0))) / E0 - (va0 * q0) / v0) / tauO;
      const s1 = s0 + dt * ds0, f1 = f0 + dt * df0, v1 = v0 + dt * dv0, q1 = q0 + dt * dq0;
      const va1 = eighthRoot ? v1 * v1 * v1 * Math.sqrt(Math.sqrt(Math.sqrt(v1))) : Math.pow(v1, ia);
      const ds1 = x0 - s1 / tauS - (f1 - 1) / tauF;
      const df1 = s1;
      const dv1 = (f1 - va1) / tauO;
      const dq1 = ((f1 * (1 - Math.exp(lnE / f1))) / E0 - (va1 * q1) / v1) / tauO;
      s[k] = s0 + ((ds0 + ds1) * dt) / 2;
      f[k] = f0 + ((df0 + df1) * dt) / 2;
      v[k] = v0 + ((dv0 + dv1) * dt) / 2;
      q[k] = q0 + ((dq0 + dq1) * dt) / 2;
    }
  }

  collect(b: number, out: MonitorOutputs): void {
    out.balloon = this.store.series(b, 0);
  }
}
