/**
 * Composite Gauss–Legendre quadrature for the tests: an integrator independent of the code under test,
 * with a fixed cost (no adaptive recursion that can run away on an unattainable tolerance).
 */

/** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1], by Newton's method on P_n. */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}

const RULE = gaussLegendre(20);

/** ∫_a^b f(x) dx with `panels` equal panels of a 20-point Gauss–Legendre rule. */
export function integrate(f: (x: number) => number, a: number, b: number, panels = 200): number {
  if (a === b) return 0;
  const width = (b - a) / panels;
  let sum = 0;
  for (let k = 0; k < panels; k++) {
    const centre = a + (k + 0.5) * width;
    let panel = 0;
    for (let i = 0; i < RULE.nodes.length; i++) panel += RULE.weights[i] * f(centre + 0.5 * width * RULE.nodes[i]);
    sum += 0.5 * width * panel;
  }
  return sum;
}

/** Upper tail of the standard normal by quadrature: Q(x) = φ(x)·∫₀^∞ exp(−x·s − s²/2) ds (t = x + s), well scaled for any x ≥ 0. */
export function upperTailByQuadrature(x: number): number {
  const phi = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  return phi * integrate((s) => Math.exp(-x * s - 0.5 * s * s), 0, 12);
}
