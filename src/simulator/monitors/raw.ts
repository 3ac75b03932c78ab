import { SampleStore, countKept, type Monitor, type MonitorOutputs } from './monitor.js';

/**
 * TVB `Raw` with subsampling: the state after every `every`-th step, labelled step·dt (the reference
 * backend's convention), kept from the transient on.
 */
export class RawMonitor implements Monitor {
  private readonly store: SampleStore;
  readonly recordEvery: number;

  constructor(
    private readonly nSims: number,
    private readonly n: number,
    private readonly every: number,
    nSteps: number,
    private readonly dt: number,
    private readonly transient: number,
    private readonly timeUnitMs: number,
  ) {
    this.recordEvery = every;
    const kept = countKept(Math.floor(nSteps / every), (k) => k * every * dt, (t) => this.keep(t));
    this.store = new SampleStore(nSims, n, kept, 2);
  }

  private keep(t: number): boolean {
    return t >= this.transient - 1e-9 * this.dt;
  }

  record(step: number, r: Float64Array, V: Float64Array): void {
    if (step % this.every !== 0) return;
    const t = step * this.dt;
    if (!this.keep(t)) return;
    const s = this.store.next(t * this.timeUnitMs);
    const { n, nSims: B } = this;
    for (let b = 0; b < B; b++) {
      const or = this.store.row(b, 0);
      const oV = this.store.row(b, 1);
      for (let i = 0; i < n; i++) {
        or[s * n + i] = r[i * B + b];
        oV[s * n + i] = V[i * B + b];
      }
    }
  }

  collect(b: number, out: MonitorOutputs): void {
    out.raw = { r: this.store.series(b, 0), V: this.store.series(b, 1) };
  }
}
