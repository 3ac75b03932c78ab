import { SampleStore, countKept, type Monitor, type MonitorOutputs } from './monitor.js';

/**
 * Block means of `istep` consecutive states (steps 1..istep, istep+1..2·istep, …) as TVB's
 * `TemporalAverage` from step 0, labelled at the window centre (step − istep/2)·dt. Each finished window
 * is stored (if `store`) and handed to the listeners (the Balloon–Windkessel model runs on it).
 */
export class TemporalAverageMonitor implements Monitor {
  private readonly sumR: Float64Array;
  private readonly sumV: Float64Array;
  private readonly meanR: Float64Array;
  private readonly store?: SampleStore;
  readonly listeners: ((t: number, meanR: Float64Array) => void)[] = [];

  constructor(
    private readonly nSims: number,
    private readonly n: number,
    readonly istep: number,
    nSteps: number,
    private readonly dt: number,
    private readonly transient: number,
    private readonly timeUnitMs: number,
    store: boolean,
  ) {
    this.sumR = new Float64Array(n * nSims);
    this.sumV = new Float64Array(n * nSims);
    this.meanR = new Float64Array(n * nSims);
    if (store) {
      const kept = countKept(Math.floor(nSteps / istep), (k) => (k * istep - istep / 2) * dt, (t) => this.keep(t));
      this.store = new SampleStore(nSims, n, kept, 2);
    }
  }

  private keep(t: number): boolean {
    return t >= this.transient - 1e-9 * this.dt;
  }

  record(step: number, r: Float64Array, V: Float64Array): void {
    const { sumR, sumV } = this;
    const m = sumR.length;
    for (let k = 0; k < m; k++) {
      sumR[k] += r[k];
      sumV[k] += V[k];
    }
    if (step % this.istep !== 0) return;
    const t = (step - this.istep / 2) * this.dt;
    const inv = this.istep;
    for (let k = 0; k < m; k++) this.meanR[k] = sumR[k] / inv;
    if (this.store && this.keep(t)) {
      const s = this.store.next(t * this.timeUnitMs);
      const { n, nSims: B } = this;
      for (let b = 0; b < B; b++) {
        const or = this.store.row(b, 0);
        const oV = this.store.row(b, 1);
        for (let i = 0; i < n; i++) {
          or[s * n + i] = this.meanR[i * B + b];
          oV[s * n + i] = sumV[i * B + b] / inv;
        }
      }
    }
    for (const l of this.listeners) l(t, this.meanR);
    sumR.fill(0);
    sumV.fill(0);
  }

  collect(b: number, out: MonitorOutputs): void {
    if (this.store) out.tavg = { r: this.store.series(b, 0), V: this.store.series(b, 1) };
  }
}
