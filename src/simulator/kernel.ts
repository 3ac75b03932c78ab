import type { CouplingGraph } from './graph.js';

/**
 * The integration state of a batch of B simulations sharing one coupling graph. All per-node arrays are
 * node-major with the batch innermost (`[i * B + b]`) so the inner loops run over contiguous memory;
 * per-simulation arrays are indexed by b.
 */
export interface BatchState {
  B: number;
  n: number;
  dt: number;
  /** Ring length in steps (≥ max delay + 2, so a step can write while others still read its slot's past). */
  ring: number;
  graph: CouplingGraph;
  /** Per-connection `source * ring`, precomputed. */
  sourceRow: Int32Array;
  /** r history: `[(node * ring + slot) * B + b]`; slot = step mod ring. */
  histR: Float64Array;
  /** V history, only when some simulation couples through V (cv ≠ 0); empty otherwise. */
  histV: Float64Array;
  useV: boolean;
  r: Float64Array;
  V: Float64Array;
  // Per node × simulation, derived from the MPR parameters.
  invTau: Float64Array;
  deltaOverPiTau: Float64Array;
  pi2Tau2: Float64Array;
  jTau: Float64Array;
  etaPlusI: Float64Array;
  cr: Float64Array;
  cv: Float64Array;
  // Per simulation.
  a: Float64Array;
  b: Float64Array;
  noiseR: Float64Array; // sqrt(2·nsig_r·dt)
  noiseV: Float64Array;
  /** Standard normals for the current step: `[b * 2n + var * n + node]` (TVB's (2, N) order per simulation). */
  z: Float64Array;
  accR: Float64Array;
  accV: Float64Array;
}

/**
 * One Heun stochastic step (TVB reference backend = NbMPR compatibility mode) from state k−1 to k for
 * every node and simulation. The coupling reads the r (and V) history at k−1−d; the same coupling and
 * the same noise ξ enter predictor and corrector; r is clipped at 0 after both. Allocation-free.
 */
export function heunStep(s: BatchState, k: number): void {
  const { B, n, ring, graph, sourceRow, histR, histV, useV, r, V, z, accR, accV } = s;
  const { rowStart, weight, delay } = graph;
  const { invTau, deltaOverPiTau, pi2Tau2, jTau, etaPlusI, cr, cv, a, b: bb, noiseR, noiseV } = s;
  const dt = s.dt;
  const hdt = 0.5 * dt;
  const prev = (k - 1) % ring;
  const cur = k % ring;
  const twoN = 2 * n;
  for (let i = 0; i < n; i++) {
    const c0 = rowStart[i];
    const c1 = rowStart[i + 1];
    if (B === 1) {
      let sr = 0;
      let sv = 0;
      for (let c = c0; c < c1; c++) {
        let slot = prev - delay[c];
        slot += (slot >> 31) & ring;
        const o = sourceRow[c] + slot;
        sr += weight[c] * histR[o];
        if (useV) sv += weight[c] * histV[o];
      }
      accR[0] = sr;
      accV[0] = sv;
    } else {
      accR.fill(0);
      if (useV) accV.fill(0);
      for (let c = c0; c < c1; c++) {
        let slot = prev - delay[c];
        slot += (slot >> 31) & ring;
        const o = (sourceRow[c] + slot) * B;
        const w = weight[c];
        for (let q = 0; q < B; q++) accR[q] += w * histR[o + q];
        if (useV) for (let q = 0; q < B; q++) accV[q] += w * histV[o + q];
      }
    }
    const wo = (i * ring + cur) * B;
    for (let q = 0; q < B; q++) {
      const x = i * B + q;
      const r0 = r[x];
      const V0 = V[x];
      const couplingR = a[q] * accR[q] + bb[q];
      const couplingV = useV ? a[q] * accV[q] + bb[q] : 0;
      const zr = z[q * twoN + i] * noiseR[q];
      const zv = z[q * twoN + n + i] * noiseV[q];
      const it = invTau[x];
      const D = deltaOverPiTau[x];
      const P = pi2Tau2[x];
      const Jt = jTau[x];
      const E = etaPlusI[x] + cr[x] * couplingR + cv[x] * couplingV;
      const dr0 = (D + 2 * V0 * r0) * it;
      const dV0 = (V0 * V0 - P * r0 * r0 + Jt * r0 + E) * it;
      let ri = r0 + dt * dr0 + zr;
      if (ri < 0) ri = 0;
      const Vi = V0 + dt * dV0 + zv;
      const dr1 = (D + 2 * Vi * ri) * it;
      const dV1 = (Vi * Vi - P * ri * ri + Jt * ri + E) * it;
      let rn = r0 + hdt * (dr0 + dr1) + zr;
      if (rn < 0) rn = 0;
      const Vn = V0 + hdt * (dV0 + dV1) + zv;
      r[x] = rn;
      V[x] = Vn;
      histR[wo + q] = rn;
      if (useV) histV[wo + q] = Vn;
    }
  }
}
