/**
 * The standard normal density, distribution and quantile functions in double precision, built from
 * textbook expansions (no library): Φ from its Taylor series near 0 and the Laplace continued fraction of
 * the Mills ratio in the tails, Φ⁻¹ from Acklam's rational approximation polished by Halley steps on Φ.
 * Only +, ×, ÷, sqrt, exp and log are used, so results are the same wherever V8 runs (V8 ships its own
 * port of fdlibm for exp and log rather than calling the system libm).
 */

export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** φ(x), the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** Taylor series Φ(x) − ½ = φ(x)·(x + x³/3 + x⁵/(3·5) + …); every term has the sign of x, so no cancellation inside the sum. */
function centralSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 3; k < 400; k += 2) {
    term *= x2 / k;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return normalPdf(x) * sum;
}

/**
 * Upper tail Q(x) = 1 − Φ(x) for x ≥ 2.5 through the Mills ratio R(x) = Q(x)/φ(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))),
 * evaluated with the modified Lentz algorithm. Relative accuracy, so tiny tail masses keep their digits.
 */
function upperTailFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    d = x + n * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + n / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    // 2 ulps: a stricter test can fail forever because delta itself is rounded
    if (Math.abs(delta - 1) < 4.5e-16) break;
  }
  return normalPdf(x) / f;
}

const CONTINUED_FRACTION_FROM = 2.5;

/** Q(x) = 1 − Φ(x) = Φ(−x), accurate in relative terms for large x (the upper tail). */
export function normalUpperTail(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // The fraction needs ~350 terms at x = 1 but ≤ 65 from 2.5 on; below 2.5 the series' cancellation in
  // ½ − (Φ − ½) costs at most a factor 0.5/Q(2.5) ≈ 80 in relative precision (≈ 2e-14).
  if (x >= CONTINUED_FRACTION_FROM) return x > 40 ? 0 : upperTailFraction(x);
  if (x <= -CONTINUED_FRACTION_FROM) return x < -40 ? 1 : 1 - upperTailFraction(-x);
  return 0.5 - centralSeries(x);
}

/** Φ(x), the standard normal distribution function, accurate in relative terms for large negative x. */
export function normalCdf(x: number): number {
  return normalUpperTail(-x);
}

// Acklam's rational approximation to Φ⁻¹ (relative error < 1.2e-9), used as the starting point only.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function acklamLower(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** Φ⁻¹(p) for 0 < p ≤ ½ (a non-positive quantile), refined by Halley's method on the relative error of Φ. */
function lowerQuantile(p: number): number {
  let x = acklamLower(p);
  for (let step = 0; step < 3; step++) {
    // Φ is accurate in relative terms, so e carries an absolute error of about ε·p: the step keeps
    // relative precision deep in the tail.
    const e = normalCdf(x) - p;
    const u = (e * SQRT_2PI) * Math.exp(0.5 * x * x);
    const next = x - u / (1 + 0.5 * x * u);
    if (!Number.isFinite(next)) break;
    const change = Math.abs(next - x);
    x = next;
    if (change <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Φ⁻¹(p): the standard normal quantile; −∞ at 0, +∞ at 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ≥ ½ (Sterbenz), so the upper half loses nothing by symmetry.
  return p <= 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}
