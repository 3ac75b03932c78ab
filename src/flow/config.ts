/**
 * The description of a conditional density estimator q(θ | x): architecture sizes and the seeded choices
 * (autoregressive orderings), plus the flat parameter layout every graph and the JS oracle share.
 * It is plain JSON so a saved posterior can rebuild exactly the same graphs.
 */
import { Rng } from './rng.js';

export interface EmbeddingConfig {
  /** Hidden layer widths of the MLP (ReLU), then a linear layer to `out` features. */
  hidden: number[];
  out: number;
}

export interface FlowConfig {
  kind: 'maf' | 'nsf';
  thetaDim: number;
  xDim: number;
  hidden: number;
  transforms: number;
  /** MAF: masked hidden layers per MADE; NSF: residual blocks per conditioner. */
  blocks: number;
  /** MAF: per transform, the autoregressive degree (1..D) of each θ coordinate (a random permutation). */
  orderings: number[][];
  /** NSF only. */
  bins?: number;
  /** NSF only: the parameter layout's version (2: one output layer for all spline parameters). */
  nsfLayout?: number;
  tailBound?: number;
  embedding?: EmbeddingConfig;
}

export const NSF_LAYOUT = 2;

export interface FlowOptions {
  kind?: 'maf' | 'nsf';
  hidden?: number;
  transforms?: number;
  blocks?: number;
  bins?: number;
  tailBound?: number;
  embedding?: EmbeddingConfig;
}

/** sbi's defaults: 5 transforms, 50 hidden units, 2 blocks; NSF with 10 bins and tail bound 3. */
export function makeFlowConfig(thetaDim: number, xDim: number, opts: FlowOptions, seed: number): FlowConfig {
  const rng = new Rng(seed ^ 0x5eed);
  const kind = opts.kind ?? 'maf';
  const transforms = opts.transforms ?? 5;
  const orderings = Array.from({ length: transforms }, (_, t) =>
    // The first transform keeps the natural order (as nflows); later ones are seeded permutations,
    // which is the same as sbi's random permutation between transforms folded into the masks.
    t === 0 ? Array.from({ length: thetaDim }, (_, i) => i + 1) : rng.permutation(thetaDim).map((i) => i + 1),
  );
  return {
    kind,
    thetaDim,
    xDim,
    hidden: opts.hidden ?? 50,
    transforms,
    blocks: opts.blocks ?? 2,
    orderings,
    ...(kind === 'nsf' ? { bins: opts.bins ?? 10, tailBound: opts.tailBound ?? 3, nsfLayout: NSF_LAYOUT } : {}),
    ...(opts.embedding ? { embedding: opts.embedding } : {}),
  };
}

export interface ParamEntry {
  name: string;
  shape: number[];
  /** Fan-in for PyTorch's default uniform(±1/√fan_in) initialisation; 0 means initialise to zero. */
  fanIn: number;
  /** Overrides: a constant value, or uniform(±bound). */
  init?: { constant: number } | { bound: number };
}

/** Width of the conditioning vector after the optional embedding. */
export function contextDim(cfg: FlowConfig): number {
  return cfg.embedding ? cfg.embedding.out : cfg.xDim;
}

export function embeddingLayout(cfg: FlowConfig): ParamEntry[] {
  if (!cfg.embedding) return [];
  const widths = [cfg.xDim, ...cfg.embedding.hidden, cfg.embedding.out];
  const out: ParamEntry[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    out.push({ name: `emb${l}.W`, shape: [widths[l]!, widths[l + 1]!], fanIn: widths[l]! });
    out.push({ name: `emb${l}.b`, shape: [widths[l + 1]!], fanIn: widths[l]! });
  }
  return out;
}

export function paramCount(layout: ParamEntry[]): number {
  return layout.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

export function initParams(layout: ParamEntry[], seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(paramCount(layout));
  let o = 0;
  for (const p of layout) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (p.init && 'constant' in p.init) {
      out.fill(p.init.constant, o, o + size);
      o += size;
      continue;
    }
    const bound = p.init ? p.init.bound : p.fanIn > 0 ? 1 / Math.sqrt(p.fanIn) : 0;
    for (let i = 0; i < size; i++) out[o++] = bound * (2 * rng.uniform() - 1);
  }
  return out;
}
