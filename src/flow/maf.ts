/**
 * Masked autoregressive flow (Papamakarios et al. 2017) as nflows/sbi build it: each transform is a MADE
 * conditioner (a masked linear input layer plus a context layer, then `blocks` masked tanh layers, then
 * masked outputs for scale and shift) and the affine map z = θ·s + μ with s = softplus(a) + 1e-3 (nflows'
 * current form; its older sigmoid(a + 2) + 1e-3 caps s near 1, so a flow could never map a posterior
 * narrower than the z-scored prior onto the unit normal).
 * Permutations between transforms are folded into the per-transform orderings of the masks.
 */
import { contextDim, type FlowConfig, type ParamEntry } from './config.js';
import type { GraphBuilder, Val } from './graph.js';

/** Hidden-unit degrees as nflows assigns them for non-random masks. */
export function hiddenDegrees(d: number, hidden: number): number[] {
  const max = Math.max(1, d - 1);
  const min = Math.min(1, d - 1);
  return Array.from({ length: hidden }, (_, k) => (k % max) + min);
}

export interface MadeMasks {
  input: Float64Array; // [D, H]
  hidden: Float64Array; // [H, H]
  output: Float64Array; // [H, D]
}

export function madeMasks(ordering: number[], hidden: number): MadeMasks {
  const d = ordering.length;
  const deg = hiddenDegrees(d, hidden);
  const input = new Float64Array(d * hidden);
  const hid = new Float64Array(hidden * hidden);
  const output = new Float64Array(hidden * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < hidden; k++) input[i * hidden + k] = deg[k]! >= ordering[i]! ? 1 : 0;
  for (let k = 0; k < hidden; k++) for (let l = 0; l < hidden; l++) hid[k * hidden + l] = deg[l]! >= deg[k]! ? 1 : 0;
  for (let k = 0; k < hidden; k++) for (let j = 0; j < d; j++) output[k * d + j] = ordering[j]! > deg[k]! ? 1 : 0;
  return { input, hidden: hid, output };
}

export function mafLayout(cfg: FlowConfig): ParamEntry[] {
  const { thetaDim: d, hidden: h } = cfg;
  const c = contextDim(cfg);
  const out: ParamEntry[] = [];
  for (let t = 0; t < cfg.transforms; t++) {
    out.push({ name: `maf${t}.Win`, shape: [d, h], fanIn: d });
    out.push({ name: `maf${t}.Wctx`, shape: [c, h], fanIn: c });
    out.push({ name: `maf${t}.bin`, shape: [h], fanIn: d });
    for (let k = 0; k < cfg.blocks; k++) {
      out.push({ name: `maf${t}.W${k}`, shape: [h, h], fanIn: h });
      out.push({ name: `maf${t}.b${k}`, shape: [h], fanIn: h });
    }
    out.push({ name: `maf${t}.Wscale`, shape: [h, d], fanIn: h });
    out.push({ name: `maf${t}.bscale`, shape: [d], fanIn: h });
    out.push({ name: `maf${t}.Wshift`, shape: [h, d], fanIn: h });
    out.push({ name: `maf${t}.bshift`, shape: [d], fanIn: h });
  }
  return out;
}

interface TransformParams {
  win: Val;
  wctx: Val;
  bin: Val;
  hidden: [Val, Val][];
  wscale: Val;
  bscale: Val;
  wshift: Val;
  bshift: Val;
}

interface MaskVals {
  input: Val;
  hidden: Val;
  output: Val;
}

/** Masked weights, the shared context term and the per-transform parameters, built once per graph. */
export class MafGraph {
  private readonly transforms: { p: TransformParams; m: MaskVals }[] = [];

  constructor(
    private readonly b: GraphBuilder,
    private readonly cfg: FlowConfig,
    params: Val[],
  ) {
    let i = 0;
    const next = (): Val => params[i++]!;
    const { thetaDim: d, hidden: h } = cfg;
    for (let t = 0; t < cfg.transforms; t++) {
      const p: TransformParams = {
        win: next(),
        wctx: next(),
        bin: next(),
        hidden: Array.from({ length: cfg.blocks }, () => [next(), next()] as [Val, Val]),
        wscale: next(),
        bscale: next(),
        wshift: next(),
        bshift: next(),
      };
      const masks = madeMasks(cfg.orderings[t]!, h);
      const m = { input: b.constant(masks.input, [d, h]), hidden: b.constant(masks.hidden, [h, h]), output: b.constant(masks.output, [h, d]) };
      // Mask the weights once; every MADE pass of the sampling graph reuses them.
      p.win = b.mul(p.win, m.input);
      p.hidden = p.hidden.map(([w, bias]) => [b.mul(w, m.hidden), bias]);
      p.wscale = b.mul(p.wscale, m.output);
      p.wshift = b.mul(p.wshift, m.output);
      this.transforms.push({ p, m });
    }
  }

  /** MADE outputs (scale s, shift μ) of transform t at input u, given the context term x·Wctx + b. */
  private made(t: number, u: Val, ctxTerm: Val): { scale: Val; shift: Val } {
    const b = this.b;
    const { p } = this.transforms[t]!;
    let hcur = b.add(b.matmul(u, p.win), ctxTerm);
    for (const [w, bias] of p.hidden) hcur = b.tanh(b.add(b.matmul(hcur, w), bias));
    const a = b.add(b.matmul(hcur, p.wscale), p.bscale);
    const scale = b.add(b.softplus(a), b.scalar(1e-3));
    const shift = b.add(b.matmul(hcur, p.wshift), p.bshift);
    return { scale, shift };
  }

  private contextTerm(t: number, ctx: Val): Val {
    const { p } = this.transforms[t]!;
    return this.b.add(this.b.matmul(ctx, p.wctx), p.bin);
  }

  /** θ (z-scored, [B,D]) → (z, Σ log|det|) through all transforms. */
  forward(theta: Val, ctx: Val): { z: Val; logdet: Val } {
    const b = this.b;
    let u = theta;
    let logdet: Val | undefined;
    for (let t = 0; t < this.cfg.transforms; t++) {
      const { scale, shift } = this.made(t, u, this.contextTerm(t, ctx));
      u = b.add(b.mul(u, scale), shift);
      const ld = b.reduceSum(b.log(scale), 1);
      logdet = logdet ? b.add(logdet, ld) : ld;
    }
    return { z: u, logdet: logdet! };
  }

  /** z ([B,D]) → θ: inverts transforms last to first, D MADE passes each (degree by degree). */
  inverse(z: Val, ctx: Val): Val {
    const b = this.b;
    let out = z;
    for (let t = this.cfg.transforms - 1; t >= 0; t--) {
      const ctxTerm = this.contextTerm(t, ctx);
      let u = b.mul(out, b.scalar(0));
      for (let pass = 0; pass < this.cfg.thetaDim; pass++) {
        const { scale, shift } = this.made(t, u, ctxTerm);
        u = b.div(b.sub(out, shift), scale);
      }
      out = u;
    }
    return out;
  }
}
