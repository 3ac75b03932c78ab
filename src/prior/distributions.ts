/**
 * One-parameter marginal distributions of a prior. Each is defined by its quantile function, so a
 * uniform number u ∈ (0, 1) maps to exactly one draw (inversion sampling: one counter-based uniform per
 * value, no rejection loop, no hidden state).
 */
import { LOG_SQRT_2PI, normalCdf, normalPdf, normalQuantile, normalUpperTail } from './normal-math.js';

export interface Distribution {
  readonly kind: 'uniform' | 'normal' | 'lognormal' | 'truncnormal';
  /** Support as a closed interval (±Infinity when unbounded; lognormal's 0 is excluded by `inSupport`). */
  readonly lower: number;
  readonly upper: number;
  /** The value whose distribution function equals u, for u ∈ (0, 1). */
  quantile(u: number): number;
  /** Natural log of the density; −Infinity outside the support. */
  logPdf(x: number): number;
  inSupport(x: number): boolean;
  mean(): number;
  variance(): number;
}

/** U(low, high): density 1/(high − low) on [low, high]. */
export class Uniform implements Distribution {
  readonly kind = 'uniform';
  private readonly logWidth: number;
  constructor(
    readonly lower: number,
    readonly upper: number,
  ) {
    this.logWidth = Math.log(upper - lower);
  }
  quantile(u: number): number {
    // Clamp: lower + u·width can round up to exactly `upper` for u just below 1, never beyond.
    return Math.min(this.upper, this.lower + u * (this.upper - this.lower));
  }
  logPdf(x: number): number {
    return this.inSupport(x) ? -this.logWidth : -Infinity;
  }
  inSupport(x: number): boolean {
    return x >= this.lower && x <= this.upper;
  }
  mean(): number {
    return 0.5 * (this.lower + this.upper);
  }
  variance(): number {
    const width = this.upper - this.lower;
    return (width * width) / 12;
  }
}

/** N(mu, sigma²). */
export class Normal implements Distribution {
  readonly kind = 'normal';
  readonly lower = -Infinity;
  readonly upper = Infinity;
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {}
  quantile(u: number): number {
    return this.mu + this.sigma * normalQuantile(u);
  }
  logPdf(x: number): number {
    if (!Number.isFinite(x)) return -Infinity;
    const z = (x - this.mu) / this.sigma;
    return -0.5 * z * z - Math.log(this.sigma) - LOG_SQRT_2PI;
  }
  inSupport(x: number): boolean {
    return Number.isFinite(x);
  }
  mean(): number {
    return this.mu;
  }
  variance(): number {
    return this.sigma * this.sigma;
  }
}

/** log X ~ N(mu, sigma²): `mu` and `sigma` are the mean and standard deviation of log X (as torch's LogNormal). */
export class LogNormal implements Distribution {
  readonly kind = 'lognormal';
  readonly lower = 0;
  readonly upper = Infinity;
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {}
  quantile(u: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }
  logPdf(x: number): number {
    if (!this.inSupport(x)) return -Infinity;
    const logX = Math.log(x);
    const z = (logX - this.mu) / this.sigma;
    return -0.5 * z * z - Math.log(this.sigma) - LOG_SQRT_2PI - logX;
  }
  inSupport(x: number): boolean {
    return x > 0 && x < Infinity;
  }
  mean(): number {
    return Math.exp(this.mu + 0.5 * this.sigma * this.sigma);
  }
  variance(): number {
    const s2 = this.sigma * this.sigma;
    return Math.expm1(s2) * Math.exp(2 * this.mu + s2);
  }
}

/**
 * N(mu, sigma²) restricted to [lower, upper] (either bound may be infinite) and renormalised by
 * Z = Φ(β) − Φ(α), α = (lower − mu)/sigma, β = (upper − mu)/sigma. When the interval lies in the upper
 * tail (α > 0) everything is computed from upper-tail masses Q so that far-tail truncations keep their
 * precision.
 */
export class TruncatedNormal implements Distribution {
  readonly kind = 'truncnormal';
  private readonly alpha: number;
  private readonly beta: number;
  /** Mass of the interval under the untruncated normal. */
  readonly mass: number;
  private readonly upperTailForm: boolean;
  private readonly tailLow: number;
  private readonly tailHigh: number;
  constructor(
    readonly mu: number,
    readonly sigma: number,
    readonly lower: number,
    readonly upper: number,
  ) {
    this.alpha = (lower - mu) / sigma;
    this.beta = (upper - mu) / sigma;
    this.upperTailForm = this.alpha > 0;
    if (this.upperTailForm) {
      this.tailLow = normalUpperTail(this.alpha);
      this.tailHigh = normalUpperTail(this.beta);
      this.mass = this.tailLow - this.tailHigh;
    } else {
      this.tailLow = normalCdf(this.alpha);
      this.tailHigh = normalCdf(this.beta);
      this.mass = this.tailHigh - this.tailLow;
    }
  }
  quantile(u: number): number {
    const z = this.upperTailForm
      ? -normalQuantile(this.tailLow - u * this.mass)
      : normalQuantile(this.tailLow + u * this.mass);
    return Math.min(this.upper, Math.max(this.lower, this.mu + this.sigma * z));
  }
  logPdf(x: number): number {
    if (!this.inSupport(x)) return -Infinity;
    const z = (x - this.mu) / this.sigma;
    return -0.5 * z * z - Math.log(this.sigma) - LOG_SQRT_2PI - Math.log(this.mass);
  }
  inSupport(x: number): boolean {
    return x >= this.lower && x <= this.upper && Number.isFinite(x);
  }
  mean(): number {
    return this.mu + this.sigma * this.meanShift();
  }
  variance(): number {
    // Var = σ²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]; x·φ(x) → 0 at an infinite bound.
    const shift = this.meanShift();
    const term = (xPhi(this.alpha) - xPhi(this.beta)) / this.mass;
    return this.sigma * this.sigma * (1 + term - shift * shift);
  }
  /** (φ(α) − φ(β))/Z: the mean of the truncated standard normal. */
  private meanShift(): number {
    return (normalPdf(this.alpha) - normalPdf(this.beta)) / this.mass;
  }
}

function xPhi(x: number): number {
  return Number.isFinite(x) ? x * normalPdf(x) : 0;
}
