/**
 * Empirical BOLD as read from a file, before it is checked against the connectome: `nRegions × nTime`
 * values, region-major (`values[i * nTime + t]` is region i at time t), with region labels when the file
 * carries them. The on-disk conventions of every format are in docs/observed-data.md.
 */
import { InputError } from '../errors.js';
import type { TimeSeries } from '../timeseries.js';

export interface BoldMatrix {
  nRegions: number;
  nTime: number;
  values: Float64Array;
  labels?: string[];
  /** Where it came from, for messages. */
  source: string;
}

/** Refuses NaN/±Inf, naming the first offending region and time sample. */
export function checkFinite(m: BoldMatrix): void {
  for (let i = 0; i < m.nRegions; i++) {
    for (let t = 0; t < m.nTime; t++) {
      const v = m.values[i * m.nTime + t]!;
      if (!Number.isFinite(v)) {
        throw new InputError(`${m.source}: region ${i}${m.labels ? ` (${m.labels[i]})` : ''} has ${v} at time sample ${t} — fix: remove or interpolate missing values before inference (features of a series with gaps are undefined)`);
      }
    }
  }
}

/**
 * Checks the matrix against the connectome the posterior was trained on: the same region count and,
 * when the file names its regions, the same labels in the same order (a reordered file would silently
 * pair the wrong regions, e.g. in homotopic FC).
 */
export function checkRegions(m: BoldMatrix, connectomeLabels: string[]): void {
  const n = connectomeLabels.length;
  if (m.nRegions !== n) {
    const transposed = m.nTime === n ? ` (it has ${n} time samples: is the matrix transposed? — see docs/observed-data.md for each format's orientation)` : '';
    throw new InputError(`${m.source} has ${m.nRegions} regions but the connectome of this run has ${n}${transposed} — fix: give one series per connectome region, in the connectome's order`);
  }
  if (!m.labels) return;
  const norm = (s: string) => s.trim().toLowerCase();
  for (let i = 0; i < n; i++) {
    if (norm(m.labels[i]!) !== norm(connectomeLabels[i]!)) {
      const j = connectomeLabels.findIndex((l) => norm(l) === norm(m.labels![i]!));
      const hint = j >= 0 ? `; '${m.labels[i]}' is region ${j} of the connectome, so the order differs` : `; the connectome has no region '${m.labels[i]}'`;
      throw new InputError(`${m.source}: region ${i} is '${m.labels[i]}' but the connectome's region ${i} is '${connectomeLabels[i]}'${hint} — fix: reorder (or rename) the regions to the connectome's labels, in its order`);
    }
  }
}

/**
 * Refuses a subject whose features came out NaN or ±Inf: the posterior would turn them into NaN samples.
 * The usual cause is a region whose series is constant (its correlations are 0/0), named here.
 */
export function checkFeaturesFinite(m: BoldMatrix, regionLabels: string[], names: string[], values: Float64Array): void {
  const bad = names.filter((_, j) => !Number.isFinite(values[j]!));
  if (bad.length === 0) return;
  const constant = regionLabels.filter((_, i) => {
    const series = m.values.subarray(i * m.nTime, (i + 1) * m.nTime);
    return series.every((v) => v === series[0]);
  });
  const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` and ${xs.length - 5} more` : '');
  const [cause, fix] =
    constant.length > 0
      ? [`region(s) ${list(constant)} are constant over time, so their correlations are undefined`, 'remove the flat signal (e.g. fill the region from its neighbours) or choose features that do not correlate regions']
      : ['the series is too short or degenerate for these features', 'give a longer series, or other features'];
  throw new InputError(`${m.source}: features ${list(bad)} are not finite — ${cause} — fix: ${fix}`);
}

/** As the features expect it: `nTime × nRegions` row-major, sampled every `periodMs`. */
export function toTimeSeries(m: BoldMatrix, periodMs: number): TimeSeries {
  const data = new Float64Array(m.nRegions * m.nTime);
  for (let i = 0; i < m.nRegions; i++) for (let t = 0; t < m.nTime; t++) data[t * m.nRegions + i] = m.values[i * m.nTime + t]!;
  return { data, nTime: m.nTime, nRegions: m.nRegions, time: Float64Array.from({ length: m.nTime }, (_, t) => t * periodMs) };
}
