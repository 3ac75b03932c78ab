import type { Connectome } from '../connectome/connectome.js';

/**
 * The coupling as a sparse CSR structure over the non-zero weights, rows = targets, columns in ascending
 * order (the order TVB's dense sum visits them, so sums agree with NbMPR to the last bit or nearly).
 */
export interface CouplingGraph {
  n: number;
  rowStart: Int32Array; // length n + 1
  source: Int32Array;
  weight: Float64Array;
  delay: Int32Array; // in steps
  maxDelay: number;
}

export function buildCouplingGraph(c: Connectome, idelays: Int32Array): CouplingGraph {
  const { n } = c;
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (const w of c.weights) if (w !== 0) nnz++;
  const source = new Int32Array(nnz);
  const weight = new Float64Array(nnz);
  const delay = new Int32Array(nnz);
  let k = 0;
  let maxDelay = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = k;
    for (let j = 0; j < n; j++) {
      const w = c.weights[i * n + j];
      if (w === 0) continue;
      source[k] = j;
      weight[k] = w;
      delay[k] = idelays[i * n + j];
      if (delay[k] > maxDelay) maxDelay = delay[k];
      k++;
    }
  }
  rowStart[n] = k;
  return { n, rowStart, source, weight, delay, maxDelay };
}
