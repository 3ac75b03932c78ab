/**
 * Priors, seeded sampling and grid sweeps.
 *
 * Experiment file (`parameters` section, validated by `parametersSchema`):
 *   parameters:
 *     - path: coupling.a
 *       prior: { kind: uniform, low: 0.1, high: 1.2 }
 *       grid: { kind: linspace, low: 0.1, high: 1.2, n: 12 }     # optional, for grid sweeps
 *   prior kinds: uniform {low, high} · normal {mu, sigma} · lognormal {mu, sigma of log X}
 *                · truncnormal {mu, sigma, low?, high?}
 *   grid kinds:  linspace {low, high, n} · logspace {low, high, n} · values {values: [...]}
 *
 * Library:
 *   const prior = priorFromSpec(parameters);           // IndependentPrior (product of marginals)
 *   const theta = prior.sample(n, seed, start?);       // ThetaTable { names, values (n × d row-major) }
 *   prior.logDensity(theta) · prior.inSupport(theta) · prior.logDensityRow(row) · prior.inSupportRow(row)
 *   prior.mean() · prior.variance() · prior.bounds()
 *   const grid = gridTable(parameters);                // cartesian product, last parameter fastest
 *
 * Reproducibility: θ[i, j] = Q_j(u), u from Philox4x32-10 keyed by the seed with the counter (row i,
 * hash of the parameter path). Any row range can be drawn on its own; results are identical on every
 * machine running Node (see docs/features.md § Priors for the exact bit recipe).
 */
export { IndependentPrior, distributionFromSpec, priorFromSpec } from './prior.js';
export { Uniform, Normal, LogNormal, TruncatedNormal, type Distribution } from './distributions.js';
export { gridPoints, gridTable } from './grid.js';
export { thetaRowCount, type ThetaTable } from './theta.js';
export { normalCdf, normalPdf, normalQuantile, normalUpperTail } from './normal-math.js';
export { philox4x32, uniformOpen } from './philox.js';
export {
  parametersSchema,
  parameterSpecSchema,
  parameterPathSchema,
  priorSpecSchema,
  gridSpecSchema,
  PARAMETER_PATH,
  type ParametersSpec,
  type ParameterSpec,
  type PriorSpec,
  type GridSpec,
} from './schema.js';
