/** Picks the series the features are computed from out of a simulation's monitor outputs. */
import { InputError } from '../errors.js';
import type { TimeSeries } from '../timeseries.js';
import type { FeatureSource } from './schema.js';

/** The monitor outputs a simulation returns (structurally the simulator's `MonitorOutputs`). */
export interface RecordedSeries {
  raw?: { r: TimeSeries; V: TimeSeries };
  tavg?: { r: TimeSeries; V: TimeSeries };
  bold?: { r: TimeSeries; V: TimeSeries };
  balloon?: TimeSeries;
}

export function selectSource(outputs: RecordedSeries, source: FeatureSource): TimeSeries {
  const recorded = outputs[source.monitor];
  if (recorded === undefined) {
    throw new InputError(
      `features.source.monitor is ${source.monitor} but the simulation does not record it — fix: add monitors.${source.monitor} or change features.source`,
    );
  }
  // The balloon BOLD is driven by r only and has no per-variable outputs.
  if ('data' in recorded) return recorded;
  return recorded[source.variable];
}
