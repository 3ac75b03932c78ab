import type { TimeSeries } from '../../timeseries.js';

/** Monitor outputs of one simulation; each present only if that monitor was asked for. */
export interface MonitorOutputs {
  raw?: { r: TimeSeries; V: TimeSeries };
  tavg?: { r: TimeSeries; V: TimeSeries };
  /** TVB `Bold` monitor (Volterra kernel) for r and V. */
  bold?: { r: TimeSeries; V: TimeSeries };
  /** Balloon–Windkessel BOLD driven by the temporal average of r, sampled at TR. */
  balloon?: TimeSeries;
}

/**
 * A monitor sees the whole batch after every step. State arrays are node-major with the batch innermost:
 * `r[i * B + b]` is node i of simulation b. Step numbers start at 1 (the state after one step).
 */
export interface Monitor {
  /**
   * `record` does something only at steps that are multiples of this (Infinity: never), so the wasm
   * kernel may run the steps in between without returning to JavaScript.
   */
  readonly recordEvery: number;
  record(step: number, r: Float64Array, V: Float64Array): void;
  /** Adds this monitor's output for simulation b. */
  collect(b: number, out: MonitorOutputs): void;
}

/** Per-simulation sample storage for a fixed number of samples, N values per variable and sample. */
export class SampleStore {
  private readonly data: Float64Array[][];
  readonly time: Float64Array;
  private count = 0;

  constructor(
    readonly nSims: number,
    readonly n: number,
    readonly capacity: number,
    nVars: number,
  ) {
    this.data = Array.from({ length: nSims }, () => Array.from({ length: nVars }, () => new Float64Array(capacity * n)));
    this.time = new Float64Array(capacity);
  }

  /** Index of the next sample, and claims it with the given time. */
  next(time: number): number {
    this.time[this.count] = time;
    return this.count++;
  }

  row(b: number, v: number): Float64Array {
    return this.data[b][v];
  }

  series(b: number, v: number): TimeSeries {
    return { data: this.data[b][v].subarray(0, this.count * this.n), nTime: this.count, nRegions: this.n, time: this.time.slice(0, this.count) };
  }
}

/** Number of samples with index k = 1, 2, … ≤ kMax whose time t(k) passes `keep`. */
export function countKept(kMax: number, time: (k: number) => number, keep: (t: number) => boolean): number {
  let c = 0;
  for (let k = 1; k <= kMax; k++) if (keep(time(k))) c++;
  return c;
}
