/**
 * A θ table: one column per parameter path, one row per sample, stored row-major
 * (`values[row * names.length + column]`). Priors, grid sweeps and posteriors all produce this form.
 */
export interface ThetaTable {
  names: string[];
  values: Float64Array;
}

/** Number of rows of a θ table. */
export function thetaRowCount(table: ThetaTable): number {
  return table.names.length === 0 ? 0 : table.values.length / table.names.length;
}
