/**
 * The numbers `hpcinv run` ends with: per parameter the posterior mean, standard deviation, median and
 * central 95 % interval, the ground truth when known, and whether the interval covers it.
 */
export interface ParameterPosterior {
  parameter: string;
  mean: number;
  sd: number;
  median: number;
  lower95: number;
  upper95: number;
  truth?: number;
  /** The central 95 % interval contains the truth. */
  covered?: boolean;
}

/** Linear interpolation between order statistics (numpy's default "linear" method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** `samples` is row-major n × names.length. */
export function summarisePosterior(samples: Float64Array, names: string[], truth?: Record<string, number>): ParameterPosterior[] {
  const d = names.length;
  const n = samples.length / d;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`need at least 2 posterior samples of ${d} parameters, got ${samples.length} values`);
  return names.map((parameter, j) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = samples[i * d + j]!;
    let mean = 0;
    for (const v of col) mean += v;
    mean /= n;
    let ss = 0;
    for (const v of col) ss += (v - mean) ** 2;
    col.sort();
    const s: ParameterPosterior = {
      parameter,
      mean,
      sd: Math.sqrt(ss / (n - 1)),
      median: quantileSorted(col, 0.5),
      lower95: quantileSorted(col, 0.025),
      upper95: quantileSorted(col, 0.975),
    };
    const t = truth?.[parameter];
    if (t !== undefined) {
      s.truth = t;
      s.covered = t >= s.lower95 && t <= s.upper95;
    }
    return s;
  });
}

/** One line per parameter, for the terminal. */
export function summaryLines(summary: ParameterPosterior[]): string[] {
  const p = (x: number) => x.toPrecision(4);
  return summary.map(
    (s) =>
      `${s.parameter}: mean ${p(s.mean)}, sd ${p(s.sd)}, 95% [${p(s.lower95)}, ${p(s.upper95)}]` +
      (s.truth !== undefined ? `, truth ${p(s.truth)} (${s.covered ? 'covered' : 'NOT covered'})` : ''),
  );
}
