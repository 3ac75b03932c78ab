/**
 * Transient removal: drop the first part of a series, given either as a number of samples or as a
 * duration in ms (converted with the series' sample period).
 */
import { InputError } from '../errors.js';
import type { TimeSeries } from '../timeseries.js';

export type Transient = { samples: number } | { ms: number };

/**
 * Samples a transient removes: `samples` as given, or for `ms` every sample whose time since the first
 * sample is below ms, i.e. ceil(ms / period) with a 1e-9 relative tolerance so that ms = k·period drops
 * exactly k samples despite rounding of the period.
 */
export function transientSampleCount(transient: Transient, samplePeriodMs: number): number {
  if ('samples' in transient) return transient.samples;
  if (transient.ms === 0) return 0;
  if (!(samplePeriodMs > 0)) {
    throw new InputError('a transient in ms needs a series with at least two increasing time points — fix: give the transient in samples');
  }
  return Math.max(0, Math.ceil(transient.ms / samplePeriodMs - 1e-9));
}

/** Sample period of a series in ms (time[1] − time[0]); NaN for a single sample. */
export function samplePeriodMs(series: TimeSeries): number {
  return series.nTime >= 2 ? series.time[1] - series.time[0] : NaN;
}

/** The series without its transient; a view on the same buffers (no copy). */
export function removeTransient(series: TimeSeries, transient: Transient): TimeSeries {
  const drop = transientSampleCount(transient, samplePeriodMs(series));
  if (drop === 0) return series;
  if (drop >= series.nTime) {
    throw new InputError(
      `the transient removes ${drop} of ${series.nTime} samples, leaving none — fix: shorten the transient or simulate longer`,
    );
  }
  return {
    nTime: series.nTime - drop,
    nRegions: series.nRegions,
    data: series.data.subarray(drop * series.nRegions),
    time: series.time.subarray(drop),
  };
}
