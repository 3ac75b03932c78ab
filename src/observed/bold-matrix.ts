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

/** As the features expect it: `nTime × nRegions` row-major, sampled every `periodMs`. */
export function toTimeSeries(m: BoldMatrix, periodMs: number): TimeSeries {
  const data = new Float64Array(m.nRegions * m.nTime);
  for (let i = 0; i < m.nRegions; i++) for (let t = 0; t < m.nTime; t++) data[t * m.nRegions + i] = m.values[i * m.nTime + t]!;
  return { data, nTime: m.nTime, nRegions: m.nRegions, time: Float64Array.from({ length: m.nTime }, (_, t) => t * periodMs) };
}
