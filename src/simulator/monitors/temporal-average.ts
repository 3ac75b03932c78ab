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
  private readonly meanV: Float64Array;
  private readonly store?: SampleStore;
  readonly listeners: ((t: number, meanR: Float64Array) => void)[] = [];
  readonly recordEvery = 1;

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
    this.meanV = new Float64Array(store ? n * nSims : 0);
    if (store) {
      const kept = countKept(Math.floor(nSteps / istep), (k) => (k * istep - istep / 2) * dt, (t) => this.keep(t));
      this.store = new SampleStore(nSims, n, kept, 2);
    }
  }

  /** Whether the V means are used (stored); a Balloon driver needs r only. */
  get keepsV(): boolean {
    return this.store !== undefined;
  }

  private keep(t: number): boolean {
    return t >= this.transient - 1e-9 * this.dt;
  }

  record(step: number, r: Float64Array, V: Float64Array): void {
    const { sumR, sumV, meanR, meanV } = this;
    const m = sumR.length;
    for (let k = 0; k < m; k++) {
      sumR[k] += r[k];
      sumV[k] += V[k];
    }
    if (step % this.istep !== 0) return;
    const inv = this.istep;
    for (let k = 0; k < m; k++) meanR[k] = sumR[k] / inv;
    if (this.keepsV) for (let k = 0; k < m; k++) meanV[k] = sumV[k] / inv;
    this.finishWindow(step, meanR, meanV);
    sumR.fill(0);
    sumV.fill(0);
  }

  /**
   * The window ending at `step` is done with these means (node-major, batch innermost): store them and
   * hand r to the listeners. Called by `record`, or by the wasm kernel's runner, which sums in wasm.
   */
  finishWindow(step: number, meanR: Float64Array, meanV: Float64Array): void {
    const t = (step - this.istep / 2) * this.dt;
    if (this.store && this.keep(t)) {
      const s = this.store.next(t * this.timeUnitMs);
      const { n, nSims: B } = this;
      for (let b = 0; b < B; b++) {
        const or = this.store.row(b, 0);
        const oV = this.store.row(b, 1);
        for (let i = 0; i < n; i++) {
          or[s * n + i] = meanR[i * B + b];
          oV[s * n + i] = meanV[i * B + b];
        }
      }
    }
    for (const l of this.listeners) l(t, meanR);
  }

  collect(b: number, out: MonitorOutputs): void {
    if (this.store) out.tavg = { r: this.store.series(b, 0), V: this.store.series(b, 1) };
  }
}
