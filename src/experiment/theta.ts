import { priorFromSpec, gridTable, thetaRowCount } from '../prior/index.js';
import type { Experiment } from './schema.js';

/** θ as columns: the sample index and one Float64Array per parameter path. */
export interface ThetaColumns {
  names: string[];
  sample: Int32Array;
  columns: Float64Array[];
}

/**
 * The run's θ: `count` seeded draws from the prior, or every point of the parameters' grids (last
 * parameter fastest). Drawing is reproducible on every machine (the prior's Philox stream).
 */
export function drawTheta(exp: Experiment): ThetaColumns {
  const table = exp.simulations.design === 'grid' ? gridTable(exp.parameters) : priorFromSpec(exp.parameters).sample(exp.simulations.count!, exp.simulations.seed);
  const n = thetaRowCount(table);
  const d = table.names.length;
  const columns = table.names.map((_, j) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = table.values[i * d + j];
    return col;
  });
  return { names: table.names, sample: Int32Array.from({ length: n }, (_, i) => i), columns };
}
