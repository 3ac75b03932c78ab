/**
 * The few distribution functions the diagnostics need (uniformity tests of SBC ranks and TARP fractions),
 * written out because no maintained npm package covers them without pulling in a whole numerics library.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ≲ 1e-15). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // Lentz's continued fraction for Γ(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnPre) * h;
}

/** P(χ²_df ≥ x). */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** Φ(x), the standard normal CDF (via the complementary error function, Numerical Recipes' erfc, |ε| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Kolmogorov–Smirnov statistic D of the sample `u` against Uniform(0, 1). */
export function ksStatisticUniform(u: ArrayLike<number>): number {
  const sorted = Float64Array.from(u).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, Math.max(0, sorted[i]!));
    d = Math.max(d, (i + 1) / n - v, v - i / n);
  }
  return d;
}

/**
 * P(D_n ≥ d) under the null, from the Kolmogorov limit distribution with Stephens' finite-n correction
 * λ = (√n + 0.12 + 0.11/√n)·d (accurate to a few per cent of p in the range that matters, n ≥ 5).
 */
export function ksPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** KS test of `u` against Uniform(0, 1): statistic and p-value. */
export function ksTestUniform(u: ArrayLike<number>): { statistic: number; pValue: number } {
  const statistic = ksStatisticUniform(u);
  return { statistic, pValue: ksPValue(statistic, u.length) };
}

/** Mean and unbiased variance of column `col` of a row-major `rows × dim` matrix. */
export function columnMoments(m: Float64Array, dim: number, col: number): { mean: number; variance: number } {
  const rows = m.length / dim;
  let mean = 0;
  for (let r = 0; r < rows; r++) mean += m[r * dim + col]!;
  mean /= rows;
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const d = m[r * dim + col]! - mean;
    ss += d * d;
  }
  return { mean, variance: rows > 1 ? ss / (rows - 1) : 0 };
}
