import { SampleStore, type Monitor, type MonitorOutputs } from './monitor.js';

/** TVB `FirstOrderVolterra` kernel defaults (shared/spec/tvb-mpr.md §9.1); times in seconds. */
export const volterraDefaults = { tauS: 0.8, tauF: 0.4, k1: 5.6, V0: 0.02 };

/** The kernel G(t) = ⅓·e^(−t/(2τs))·sin(ωt)/ω with ω = sqrt(1/τf − 1/(4τs²)). */
export function volterraKernel(tSeconds: number): number {
  const { tauS, tauF } = volterraDefaults;
  const omega = Math.sqrt(1 / tauF - 1 / (4 * tauS * tauS));
  return (1 / 3) * Math.exp(-0.5 * (tSeconds / tauS)) * (Math.sin(omega * tSeconds) / omega);
}

/**
 * TVB's `Bold` monitor for r and V: each step's state goes into a 4 ms boxcar; every boxcar mean enters a
 * circular stock of S = ceil(0.25·hrfLength) samples; every `period` the stock is convolved with the
 * reversed Volterra kernel as TVB's rolled dot product does (the newest sample gets G(last), the sample j ≥ 1
 * boxcars back gets G((j−1)·4 ms)), and BOLD = k1·V0·(Σ − 1), labelled step·dt. Times are real ms
 * (model time × time unit).
 */
export class BoldMonitor implements Monitor {
  private readonly interim: Float64Array; // 2 vars × n × B running boxcar sums
  private readonly stock: Float64Array; // S × 2 × n × B
  private readonly hrf: Float64Array; // G(t_m), m = 0..S-1
  private readonly S: number;
  private readonly interimIstep: number;
  private readonly istep: number;
  private readonly store: SampleStore;
  readonly recordEvery = 1;

  constructor(
    private readonly nSims: number,
    private readonly n: number,
    periodMs: number,
    hrfLengthMs: number,
    nSteps: number,
    private readonly dt: number,
    private readonly transient: number,
    private readonly timeUnitMs: number,
  ) {
    const dtMs = dt * timeUnitMs;
    this.interimIstep = Math.round(4 / dtMs);
    this.istep = Math.round(periodMs / dtMs);
    if (this.interimIstep < 1 || this.istep < 1) {
      throw new RangeError(`the BOLD monitor needs dt ≤ 4 ms and ≤ period; dt is ${dtMs} ms`);
    }
    this.S = Math.ceil(0.25 * hrfLengthMs);
    const stepS = hrfLengthMs / 1000 / this.S;
    this.hrf = Float64Array.from({ length: this.S }, (_, m) => volterraKernel(m * stepS));
    this.interim = new Float64Array(2 * n * nSims);
    this.stock = new Float64Array(this.S * 2 * n * nSims);
    this.store = new SampleStore(nSims, n, Math.floor(nSteps / this.istep), 2);
  }

  record(step: number, r: Float64Array, V: Float64Array): void {
    const m = this.n * this.nSims;
    const it = this.interim;
    for (let k = 0; k < m; k++) {
      it[k] += r[k];
      it[m + k] += V[k];
    }
    if (step % this.interimIstep === 0) {
      const kk = Math.floor(step / this.interimIstep);
      const slot = (((kk % this.S) - 1) + this.S) % this.S;
      const base = slot * 2 * m;
      for (let k = 0; k < 2 * m; k++) this.stock[base + k] = it[k] / this.interimIstep;
      it.fill(0);
    }
    if (step % this.istep === 0) this.emit(step);
  }

  private emit(step: number): void {
    const t = step * this.dt;
    if (t < this.transient - 1e-9 * this.dt) return;
    const { n, nSims: B, S } = this;
    const m = n * B;
    const newest = ((((Math.floor(step / this.interimIstep) % S) - 1) % S) + S) % S;
    const acc = new Float64Array(2 * m);
    for (let slot = 0; slot < S; slot++) {
      const back = (newest - slot + S) % S;
      const g = back === 0 ? this.hrf[S - 1] : this.hrf[back - 1];
      const base = slot * 2 * m;
      for (let k = 0; k < 2 * m; k++) acc[k] += g * this.stock[base + k];
    }
    const k1V0 = volterraDefaults.k1 * volterraDefaults.V0;
    const idx = this.store.next(t * this.timeUnitMs);
    for (let b = 0; b < B; b++) {
      for (let v = 0; v < 2; v++) {
        const out = this.store.row(b, v);
        for (let i = 0; i < n; i++) out[idx * n + i] = (acc[v * m + i * B + b] - 1) * k1V0;
      }
    }
  }

  collect(b: number, out: MonitorOutputs): void {
    out.bold = { r: this.store.series(b, 0), V: this.store.series(b, 1) };
  }
}
