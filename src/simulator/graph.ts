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

/** The connections of `g` whose delay satisfies `keep`, as a CSR structure of their own. */
export function filterCouplingGraph(g: CouplingGraph, keep: (delay: number) => boolean): CouplingGraph {
  const idx: number[] = [];
  const rowStart = new Int32Array(g.n + 1);
  for (let i = 0; i < g.n; i++) {
    rowStart[i] = idx.length;
    for (let c = g.rowStart[i]; c < g.rowStart[i + 1]; c++) if (keep(g.delay[c])) idx.push(c);
  }
  rowStart[g.n] = idx.length;
  const delay = Int32Array.from(idx, (c) => g.delay[c]);
  return {
    n: g.n,
    rowStart,
    source: Int32Array.from(idx, (c) => g.source[c]),
    weight: Float64Array.from(idx, (c) => g.weight[c]),
    delay,
    maxDelay: delay.reduce((m, d) => Math.max(m, d), 0),
  };
}
