import type { CouplingGraph } from './graph.js';

/**
 * The integration state of a batch of B simulations sharing one coupling graph. Per-node arrays are
 * node-major with the batch innermost (`[i * B + b]`) so inner loops run over contiguous memory;
 * per-simulation arrays are indexed by b.
 *
 * Delayed coupling is split by delay. A connection with delay d ≥ block − 1 only reads states that exist
 * before a block of `block` steps starts, so its contributions to all steps of the block are summed up
 * front (`accumulateBlock`): per connection one streaming pass over `block` consecutive history slots
 * of its source (time is contiguous per node in the ring), instead of one scattered read per step.
 * Connections with shorter delays (self-loops, or everything when there are no delays) are summed in
 * the step itself.
 */
export interface BatchState {
  B: number;
  n: number;
  dt: number;
  /** Ring length in steps (≥ max delay + 2, so a step can write while others still read its slot's past). */
  ring: number;
  /** Steps per block (see above). */
  block: number;
  /** Connections summed per block (delay ≥ block − 1) and per step (shorter delays). */
  long: CouplingGraph;
  short: CouplingGraph;
  /** Per short connection `source * ring`, precomputed. */
  shortSourceRow: Int32Array;
  /** Per short connection its target node (the wasm kernel sums all short connections in one flat pass). */
  shortTarget: Int32Array;
  /** r history: `[(node * ring + slot) * B + b]`; slot = step mod ring. */
  histR: Float64Array;
  /** V history, only when some simulation couples through V (cv ≠ 0); empty otherwise. */
  histV: Float64Array;
  useV: boolean;
  /** Long-delay coupling sums of the current block: `[(node * block + t) * B + b]`. */
  blockR: Float64Array;
  blockV: Float64Array;
  /** First step of the current block. */
  blockStart: number;
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
  /**
   * Standard normals for the current step: `[b * 2n + var * n + node]` (TVB's (2, N) order per
   * simulation). The wasm kernel instead keeps a block: `[(b * block + t) * 2n + var * n + node]`.
   */
  z: Float64Array;
  accR: Float64Array;
  accV: Float64Array;
}

/**
 * Sums the long-delay coupling for steps k0 … k0+len−1 into blockR/blockV: step k reads the source at
 * k−1−d ≤ k0−1, all already computed. Allocation-free.
 */
export function accumulateBlock(s: BatchState, k0: number, len: number): void {
  const { B, ring, block, long, histR, histV, useV, blockR, blockV } = s;
  const { rowStart, source, weight, delay, n } = long;
  s.blockStart = k0;
  blockR.fill(0);
  if (useV) blockV.fill(0);
  const span = len * B;
  for (let i = 0; i < n; i++) {
    const accBase = i * block * B;
    const c1 = rowStart[i + 1];
    let c = rowStart[i];
    // Four connections per pass over the block sums (a quarter of the loads and stores of blockR), when
    // none of the four windows wraps around the ring end (rare: a window of `len` slots in `ring`).
    for (; c + 3 < c1; c += 4) {
      const s0 = windowStart(k0, delay[c], ring);
      const s1 = windowStart(k0, delay[c + 1], ring);
      const s2 = windowStart(k0, delay[c + 2], ring);
      const s3 = windowStart(k0, delay[c + 3], ring);
      if (s0 + len > ring || s1 + len > ring || s2 + len > ring || s3 + len > ring) {
        for (let u = 0; u < 4; u++) addConnection(s, c + u, i, k0, len);
        continue;
      }
      const w0 = weight[c], w1 = weight[c + 1], w2 = weight[c + 2], w3 = weight[c + 3];
      const h0 = (source[c] * ring + s0) * B - accBase;
      const h1 = (source[c + 1] * ring + s1) * B - accBase;
      const h2 = (source[c + 2] * ring + s2) * B - accBase;
      const h3 = (source[c + 3] * ring + s3) * B - accBase;
      const end = accBase + span;
      for (let x = accBase; x < end; x++) blockR[x] += w0 * histR[h0 + x] + w1 * histR[h1 + x] + w2 * histR[h2 + x] + w3 * histR[h3 + x];
      if (useV) for (let x = accBase; x < end; x++) blockV[x] += w0 * histV[h0 + x] + w1 * histV[h1 + x] + w2 * histV[h2 + x] + w3 * histV[h3 + x];
    }
    for (; c < c1; c++) addConnection(s, c, i, k0, len);
  }
}

function windowStart(k0: number, d: number, ring: number): number {
  const slot = (k0 - 1 - d) % ring;
  return slot < 0 ? slot + ring : slot;
}

/** One long connection's contribution to the block sums, in up to two segments if its window wraps. */
function addConnection(s: BatchState, c: number, i: number, k0: number, len: number): void {
  const { B, ring, block, long, histR, histV, useV, blockR, blockV } = s;
  const w = long.weight[c];
  const rowBase = long.source[c] * ring;
  const slot = windowStart(k0, long.delay[c], ring);
  const accBase = i * block * B;
  const first = Math.min(len, ring - slot);
  const segments: [number, number, number][] = [[accBase, accBase + first * B, (rowBase + slot) * B]];
  if (first < len) segments.push([accBase + first * B, accBase + len * B, rowBase * B]);
  for (const [from, to, h0] of segments) {
    const off = h0 - from;
    for (let x = from; x < to; x++) blockR[x] += w * histR[off + x];
    if (useV) for (let x = from; x < to; x++) blockV[x] += w * histV[off + x];
  }
}

/**
 * One Heun stochastic step (TVB reference backend = NbMPR compatibility mode) from state k−1 to k for
 * every node and simulation: coupling from the block sums plus the short-delay connections at k−1−d;
 * the same coupling and the same noise ξ in predictor and corrector; r clipped at 0 after both.
 * Allocation-free.
 */
export function heunStep(s: BatchState, k: number): void {
  const { B, n, ring, block, short, shortSourceRow, histR, histV, useV, blockR, blockV, r, V, z, accR, accV } = s;
  const { rowStart, weight, delay } = short;
  const { invTau, deltaOverPiTau, pi2Tau2, jTau, etaPlusI, cr, cv, a, b: bb, noiseR, noiseV } = s;
  const dt = s.dt;
  const hdt = 0.5 * dt;
  const prev = (k - 1) % ring;
  const cur = k % ring;
  const t = k - s.blockStart;
  const twoN = 2 * n;
  for (let i = 0; i < n; i++) {
    const c0 = rowStart[i];
    const c1 = rowStart[i + 1];
    const blk = (i * block + t) * B;
    if (B === 1) {
      // Single simulation: scalar sums, no batch loop.
      let sr = blockR[blk];
      let sv = useV ? blockV[blk] : 0;
      for (let c = c0; c < c1; c++) {
        let slot = prev - delay[c];
        slot += (slot >> 31) & ring;
        const o = shortSourceRow[c] + slot;
        sr += weight[c] * histR[o];
        if (useV) sv += weight[c] * histV[o];
      }
      accR[0] = sr;
      accV[0] = sv;
    } else {
      for (let q = 0; q < B; q++) accR[q] = blockR[blk + q];
      if (useV) for (let q = 0; q < B; q++) accV[q] = blockV[blk + q];
      for (let c = c0; c < c1; c++) {
        let slot = prev - delay[c];
        slot += (slot >> 31) & ring;
        const o = (shortSourceRow[c] + slot) * B;
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
