/**
 * An independent (product) prior over named parameters: p(θ) = Π_j p_j(θ_j). With only uniform marginals
 * this is a box. Sampling is seeded and counter-based (see `sample`).
 */
import { InputError } from '../errors.js';
import { LogNormal, Normal, TruncatedNormal, Uniform, type Distribution } from './distributions.js';
import { fnv1a32, philox4x32, splitUint53, uniformOpen } from './philox.js';
import type { ParameterSpec, PriorSpec } from './schema.js';
import type { ThetaTable } from './theta.js';

/** Domain-separation word in the counter, so prior draws never reuse the bits of another hpcinv stream. */
const PRIOR_STREAM = 0x70726972; // "prir"

/** The marginal distribution a prior spec describes (the spec is assumed schema-validated). */
export function distributionFromSpec(spec: PriorSpec): Distribution {
  switch (spec.kind) {
    case 'uniform':
      return new Uniform(spec.low, spec.high);
    case 'normal':
      return new Normal(spec.mu, spec.sigma);
    case 'lognormal':
      return new LogNormal(spec.mu, spec.sigma);
    case 'truncnormal':
      return new TruncatedNormal(spec.mu, spec.sigma, spec.low ?? -Infinity, spec.high ?? Infinity);
  }
}

export class IndependentPrior {
  readonly names: string[];
  /** Counter word per parameter: the FNV-1a hash of its path, made unique by order if two hashes collide. */
  private readonly streams: Uint32Array;

  constructor(
    names: string[],
    readonly marginals: Distribution[],
  ) {
    if (names.length !== marginals.length || names.length === 0) {
      throw new InputError('a prior needs one distribution per parameter and at least one parameter — fix: list each parameter with its prior');
    }
    this.names = [...names];
    this.streams = new Uint32Array(names.length);
    const used = new Set<number>();
    names.forEach((name, j) => {
      let word = fnv1a32(name);
      while (used.has(word)) word = (word + 1) >>> 0;
      used.add(word);
      this.streams[j] = word;
    });
  }

  get dimension(): number {
    return this.names.length;
  }

  /**
   * Rows `start … start + n − 1` of the seed's sample sequence. θ[i, j] = Q_j(u) with Q_j the j-th
   * marginal's quantile function and u = uniformOpen(w0, w1) from Philox4x32-10 with key = seed (low,
   * high 32-bit words) and counter = (i low word, i high word, stream of parameter j, "prir"). A row
   * therefore depends only on (seed, row index, parameter path, its distribution): chunks can draw their
   * own rows, and adding a parameter leaves the others' values unchanged.
   */
  sample(n: number, seed: number, start = 0): ThetaTable {
    checkIndex('n', n);
    checkIndex('seed', seed);
    checkIndex('start', start);
    if (start + n > Number.MAX_SAFE_INTEGER) throw new InputError('start + n exceeds 2^53 — fix: use smaller sample indexes');
    const [key0, key1] = splitUint53(seed);
    const d = this.names.length;
    const values = new Float64Array(n * d);
    const words = new Uint32Array(4);
    for (let i = 0; i < n; i++) {
      const [row0, row1] = splitUint53(start + i);
      for (let j = 0; j < d; j++) {
        philox4x32(row0, row1, this.streams[j], PRIOR_STREAM, key0, key1, words);
        values[i * d + j] = this.marginals[j].quantile(uniformOpen(words[0], words[1]));
      }
    }
    return { names: [...this.names], values };
  }

  /** log p(θ) of one row; −Infinity outside the support. */
  logDensityRow(row: ArrayLike<number>, offset = 0): number {
    let sum = 0;
    for (let j = 0; j < this.marginals.length; j++) sum += this.marginals[j].logPdf(row[offset + j]);
    return sum;
  }

  /** log p(θ) for every row of a table whose columns are this prior's parameters, in order. */
  logDensity(table: ThetaTable): Float64Array {
    this.checkColumns(table);
    const d = this.names.length;
    const n = table.values.length / d;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.logDensityRow(table.values, i * d);
    return out;
  }

  /** Whether a row lies in the support of every marginal. */
  inSupportRow(row: ArrayLike<number>, offset = 0): boolean {
    for (let j = 0; j < this.marginals.length; j++) if (!this.marginals[j].inSupport(row[offset + j])) return false;
    return true;
  }

  /** Support test for every row of a table. */
  inSupport(table: ThetaTable): boolean[] {
    this.checkColumns(table);
    const d = this.names.length;
    const n = table.values.length / d;
    const out: boolean[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.inSupportRow(table.values, i * d);
    return out;
  }

  /** Per-parameter prior means. */
  mean(): Float64Array {
    return Float64Array.from(this.marginals, (m) => m.mean());
  }

  /** Per-parameter prior variances (the diagnostics' shrinkage is 1 − var_post/var_prior). */
  variance(): Float64Array {
    return Float64Array.from(this.marginals, (m) => m.variance());
  }

  /** Per-parameter support bounds (±Infinity when unbounded). */
  bounds(): { lower: Float64Array; upper: Float64Array } {
    return {
      lower: Float64Array.from(this.marginals, (m) => m.lower),
      upper: Float64Array.from(this.marginals, (m) => m.upper),
    };
  }

  private checkColumns(table: ThetaTable): void {
    const d = this.names.length;
    if (table.names.length !== d || table.names.some((name, j) => name !== this.names[j])) {
      throw new InputError(
        `θ columns [${table.names.join(', ')}] do not match the prior's parameters [${this.names.join(', ')}] — fix: select the prior's columns in its order`,
      );
    }
    if (table.values.length % d !== 0) {
      throw new InputError(`θ table has ${table.values.length} values, not a multiple of ${d} columns — fix: pass whole rows`);
    }
  }
}

function checkIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InputError(`${name} must be a non-negative integer below 2^53 (got ${value}) — fix: pass a whole number`);
  }
}

/**
 * The product prior of a validated `parameters` section. Every entry must carry a prior; an entry with
 * only a grid is a grid-sweep parameter and cannot be sampled.
 */
export function priorFromSpec(parameters: ParameterSpec[]): IndependentPrior {
  const missing = parameters.filter((p) => p.prior === undefined).map((p) => p.path);
  if (missing.length > 0) {
    throw new InputError(
      `parameter(s) ${missing.join(', ')} have no prior, so they cannot be sampled — fix: add prior: { kind: uniform, low: ..., high: ... } or run a grid sweep`,
    );
  }
  return new IndependentPrior(
    parameters.map((p) => p.path),
    parameters.map((p) => distributionFromSpec(p.prior as PriorSpec)),
  );
}
