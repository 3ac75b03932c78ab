/**
 * A monitor's output for one state variable, or a BOLD signal: `nTime × nRegions`, row-major
 * (`data[t * nRegions + i]` is region i at sample t). Times are in ms.
 */
export interface TimeSeries {
  data: Float64Array;
  nTime: number;
  nRegions: number;
  /** Sample times in ms, length nTime. */
  time: Float64Array;
}
