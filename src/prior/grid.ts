/**
 * Grid sweeps for parameter-space exploration: the cartesian product of per-parameter grids, as a θ table
 * (the same form a prior sample has, so the same sweep machinery simulates it).
 */
import { InputError } from '../errors.js';
import { MAX_GRID_POINTS, type GridSpec, type ParameterSpec } from './schema.js';
import type { ThetaTable } from './theta.js';

/**
 * The points of one grid. linspace: low + (high − low)·k/(n − 1), k = 0 … n − 1 (ends exact);
 * logspace: low·(high/low)^(k/(n − 1)), geometric, ends exact; values: as listed. n = 1 gives [low].
 */
export function gridPoints(grid: GridSpec): Float64Array {
  if (grid.kind === 'values') return Float64Array.from(grid.values);
  const out = new Float64Array(grid.n);
  if (grid.n === 1) {
    out[0] = grid.low;
    return out;
  }
  const last = grid.n - 1;
  for (let k = 0; k <= last; k++) {
    const f = k / last;
    out[k] =
      grid.kind === 'linspace'
        ? grid.low + (grid.high - grid.low) * f
        : grid.low * Math.exp(Math.log(grid.high / grid.low) * f);
  }
  out[0] = grid.low;
  out[last] = grid.high;
  return out;
}

/**
 * Cartesian product of the parameters' grids. Rows are in lexicographic order of the grid indexes with the
 * LAST parameter varying fastest (as numpy's meshgrid(..., indexing='ij') flattened in C order).
 */
export function gridTable(parameters: ParameterSpec[]): ThetaTable {
  const missing = parameters.filter((p) => p.grid === undefined).map((p) => p.path);
  if (missing.length > 0 || parameters.length === 0) {
    throw new InputError(
      `parameter(s) ${missing.join(', ') || '(none)'} have no grid — fix: add grid: { kind: linspace, low: ..., high: ..., n: ... } to every parameter of a grid sweep`,
    );
  }
  const axes = parameters.map((p) => gridPoints(p.grid as GridSpec));
  const rows = axes.reduce((product, axis) => product * axis.length, 1);
  if (rows > MAX_GRID_POINTS) {
    throw new InputError(
      `the grid has ${rows} points, more than ${MAX_GRID_POINTS} — fix: use fewer points per parameter or sample the prior instead`,
    );
  }
  const d = axes.length;
  const values = new Float64Array(rows * d);
  const index = new Int32Array(d);
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < d; j++) values[row * d + j] = axes[j][index[j]];
    for (let j = d - 1; j >= 0; j--) {
      if (++index[j] < axes[j].length) break;
      index[j] = 0;
    }
  }
  return { names: parameters.map((p) => p.path), values };
}
