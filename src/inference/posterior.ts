/**
 * The amortised posterior q(θ | x) restricted to the prior's support, as sbi's DirectPosterior: samples
 * are drawn from the flow and rejected outside the prior (with a warning when few are accepted), the
 * log-probability is renormalised by the acceptance rate (the leakage correction) and MAP starts from the
 * best samples and climbs the log posterior with Adam, using the gradient graph of log q.
 */
import { HpcinvError, InputError } from '../errors.js';
import type { FlowConfig } from '../flow/config.js';
import type { ZScore } from '../flow/graphs.js';
import { Rng } from '../flow/rng.js';
import type { Executor } from '../flow/runtime.js';

/** What the posterior needs of a prior (src/prior's IndependentPrior provides it). */
export interface PriorLike {
  readonly names: string[];
  inSupportRow(row: ArrayLike<number>, offset?: number): boolean;
}

export interface PosteriorModel {
  config: FlowConfig;
  params: Float32Array;
  zscore: ZScore;
}

export interface PosteriorExecutors {
  sample: Executor;
  logProb: Executor;
  logProbGrad: Executor;
}

export interface SampleResult {
  samples: Float64Array;
  /** Fraction of flow draws inside the prior support. */
  acceptance: number;
  draws: number;
}

const BATCH = 10_000;
/**
 * Rows per run of an ONNX model: the flows' activations for 2,000 rows stay in the CPU caches (the NSF's
 * context terms are 750 floats a row); 10,000-row runs measured 5–10% more CPU time. Draws come from the
 * same random stream whatever the chunking, so samples do not depend on it.
 */
const RUN_ROWS = 2_000;

export class Posterior {
  private readonly acceptance = new Map<string, number>();
  private warned = false;

  constructor(
    readonly model: PosteriorModel,
    readonly prior: PriorLike,
    private readonly exe: PosteriorExecutors,
    /** Where low-acceptance warnings go (stderr by default). */
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  get thetaDim(): number {
    return this.model.config.thetaDim;
  }
  get xDim(): number {
    return this.model.config.xDim;
  }
  get backend(): string {
    return this.exe.sample.backend;
  }

  /** Throws a clear error unless `x` is one finite feature row of the trained width. */
  checkX(x: ArrayLike<number>): void {
    if (x.length !== this.xDim) {
      throw new InputError(`the observed features have ${x.length} values but the posterior was trained on ${this.xDim} features — fix: compute the same feature set as the training dataset`);
    }
    for (let j = 0; j < x.length; j++) {
      if (!Number.isFinite(x[j]!)) throw new InputError(`observed feature ${j} is ${x[j]} — fix: remove NaN/infinite values from the observed data (or the features computed from it)`);
    }
  }

  private tile(x: ArrayLike<number>, n: number): Float32Array {
    const out = new Float32Array(n * this.xDim);
    for (let i = 0; i < n; i++) for (let j = 0; j < this.xDim; j++) out[i * this.xDim + j] = x[j]!;
    return out;
  }

  /** n draws from the flow itself (no prior truncation). */
  async sampleFlow(n: number, x: ArrayLike<number>, rng: Rng): Promise<Float64Array> {
    this.checkX(x);
    const d = this.thetaDim;
    const out = new Float64Array(n * d);
    for (let s = 0; s < n; s += RUN_ROWS) {
      const b = Math.min(RUN_ROWS, n - s);
      const eps = new Float32Array(b * d);
      for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
      const r = await this.exe.sample.run({ x: { dims: [b, this.xDim], data: this.tile(x, b) }, eps: { dims: [b, d], data: eps } });
      out.set(r.theta!, s * d);
    }
    return out;
  }

  /** n samples of the posterior at x: flow draws kept only inside the prior support. */
  async sample(n: number, x: ArrayLike<number>, opts: { seed?: number; maxDraws?: number } = {}): Promise<SampleResult> {
    const rng = new Rng(opts.seed ?? 0);
    const d = this.thetaDim;
    const maxDraws = opts.maxDraws ?? Math.max(1_000_000, 1000 * n);
    const out = new Float64Array(n * d);
    let kept = 0;
    let draws = 0;
    while (kept < n) {
      if (draws >= maxDraws) {
        throw new HpcinvError(`only ${kept} of ${n} posterior samples fell inside the prior support after ${draws} draws — fix: the observation is probably outside what the simulations cover (check its features), or train with more simulations`, 1);
      }
      const rate = draws > 0 ? Math.max(kept / draws, 1e-3) : 1;
      const b = Math.min(BATCH, Math.ceil(((n - kept) / rate) * 1.1) + 10);
      const flow = await this.sampleFlow(b, x, rng);
      // Count only the draws examined, so the acceptance rate is not diluted by the surplus of the last batch.
      for (let i = 0; i < b && kept < n; i++, draws++) {
        if (this.prior.inSupportRow(flow, i * d)) out.set(flow.subarray(i * d, (i + 1) * d), d * kept++);
      }
      if (!this.warned && draws > 1000 && kept / draws < 0.01) {
        this.warned = true;
        this.warn(`only ${((100 * kept) / draws).toFixed(2)}% of posterior draws fall inside the prior support (leakage); sampling will be slow and the flow is a poor fit here — fix: train with more simulations or check that the observation is within the simulated range`);
      }
    }
    return { samples: out, acceptance: kept / draws, draws };
  }

  /** Fraction of flow draws inside the prior at x (10,000 seeded draws, cached per x). */
  async acceptanceRate(x: ArrayLike<number>): Promise<number> {
    const key = Array.from(x).join(',');
    let a = this.acceptance.get(key);
    if (a === undefined) {
      const flow = await this.sampleFlow(BATCH, x, new Rng(0x1eaf));
      let inside = 0;
      for (let i = 0; i < BATCH; i++) if (this.prior.inSupportRow(flow, i * this.thetaDim)) inside++;
      a = Math.max(inside, 1) / BATCH;
      this.acceptance.set(key, a);
    }
    return a;
  }

  private checkTheta(theta: Float64Array): number {
    const n = theta.length / this.thetaDim;
    if (!Number.isInteger(n)) throw new InputError(`θ has ${theta.length} values, not a multiple of ${this.thetaDim} parameters — fix: pass whole rows`);
    for (let i = 0; i < theta.length; i++) if (!Number.isFinite(theta[i]!)) throw new InputError(`θ value ${i} is ${theta[i]} — fix: pass finite parameter values`);
    return n;
  }

  /**
   * log of the posterior density at each θ row: the flow's log q(θ | x), −∞ outside the prior support and,
   * with `normalize` (sbi's default), minus log(acceptance rate) so the truncated density integrates to 1.
   */
  async logProb(theta: Float64Array, x: ArrayLike<number>, opts: { normalize?: boolean } = {}): Promise<Float64Array> {
    this.checkX(x);
    const n = this.checkTheta(theta);
    const d = this.thetaDim;
    const out = new Float64Array(n);
    for (let s = 0; s < n; s += RUN_ROWS) {
      const b = Math.min(RUN_ROWS, n - s);
      const r = await this.exe.logProb.run({ theta: { dims: [b, d], data: Float32Array.from(theta.subarray(s * d, (s + b) * d)) }, x: { dims: [b, this.xDim], data: this.tile(x, b) } });
      out.set(r.log_prob!, s);
    }
    const shift = opts.normalize === false ? 0 : Math.log(await this.acceptanceRate(x));
    for (let i = 0; i < n; i++) out[i] = this.prior.inSupportRow(theta, i * d) ? out[i]! - shift : -Infinity;
    return out;
  }

  /** log q(θ | x) and its gradient in θ. q already is the posterior (the prior only truncates it), so no prior term is added, as in sbi. */
  private async logQGrad(theta: Float64Array, x: ArrayLike<number>): Promise<{ value: Float64Array; grad: Float64Array }> {
    const d = this.thetaDim;
    const n = theta.length / d;
    const r = await this.exe.logProbGrad.run({ theta: { dims: [n, d], data: Float32Array.from(theta) }, x: { dims: [n, this.xDim], data: this.tile(x, n) } });
    return { value: Float64Array.from(r.log_prob!), grad: Float64Array.from(r.grad_theta!) };
  }

  /**
   * Maximum a posteriori estimate as sbi finds it: 1,000 posterior samples, the best 100 as starts,
   * Adam ascent on log q (learning rate 0.01 in z-scored θ units) that never leaves the prior support.
   * The returned logProb is log q without the leakage correction.
   */
  async map(x: ArrayLike<number>, opts: { seed?: number; samples?: number; starts?: number; steps?: number; learningRate?: number } = {}): Promise<{ theta: Float64Array; logProb: number }> {
    const d = this.thetaDim;
    const { samples } = await this.sample(opts.samples ?? 1000, x, { seed: opts.seed ?? 0 });
    const lp = await this.logQGrad(samples, x);
    const order = Array.from(lp.value.keys()).sort((a, b) => lp.value[b]! - lp.value[a]!);
    const k = Math.min(opts.starts ?? 100, order.length);
    const cur = new Float64Array(k * d);
    order.slice(0, k).forEach((r, i) => cur.set(samples.subarray(r * d, (r + 1) * d), i * d));
    const sd = this.model.zscore.thetaStd;
    const m = new Float64Array(k * d);
    const v = new Float64Array(k * d);
    const lr = opts.learningRate ?? 0.01;
    let best = { value: -Infinity, theta: new Float64Array(d) };
    const steps = opts.steps ?? 1000;
    for (let t = 1; t <= steps + 1; t++) {
      const { value, grad } = await this.logQGrad(cur, x);
      for (let i = 0; i < k; i++) {
        if (value[i]! > best.value) best = { value: value[i]!, theta: cur.slice(i * d, (i + 1) * d) };
      }
      if (t > steps) break;
      for (let i = 0; i < k; i++) {
        const prev = cur.slice(i * d, (i + 1) * d);
        for (let j = 0; j < d; j++) {
          const idx = i * d + j;
          // Ascend in z-scored units: the gradient with respect to u = θ/σ is σ·∂/∂θ.
          const g = grad[idx]! * sd[j]!;
          m[idx] = 0.9 * m[idx]! + 0.1 * g;
          v[idx] = 0.999 * v[idx]! + 0.001 * g * g;
          const step = (lr * (m[idx]! / (1 - 0.9 ** t))) / (Math.sqrt(v[idx]! / (1 - 0.999 ** t)) + 1e-8);
          cur[idx] = cur[idx]! + step * sd[j]!;
        }
        if (!this.prior.inSupportRow(cur, i * d)) cur.set(prev, i * d);
      }
    }
    return { theta: best.theta, logProb: best.value };
  }

  async release(): Promise<void> {
    await Promise.all([this.exe.sample.release(), this.exe.logProb.release(), this.exe.logProbGrad.release()]);
  }
}
