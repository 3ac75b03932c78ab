import { Rng } from '../../src/diagnostics/random.js';

/**
 * A conjugate Gaussian model with a posterior known in closed form, used as the "known answer" for
 * the calibration diagnostics: θ ~ N(0, 1)^dim, x ~ N(θ, σ²) ⇒ θ | x ~ N(x/(1+σ²), σ²/(1+σ²)).
 * `widthFactor` scales the posterior sd: 1 = exact (calibrated), < 1 over-confident, > 1 under-confident.
 */
export interface AnalyticCase {
  truth: number[];
  samples: Float64Array;
  postMean: number[];
  postSd: number;
}

export function gaussianCases(n: number, L: number, dim: number, widthFactor: number, seed: number, sigma = 0.5): AnalyticCase[] {
  const rng = new Rng(seed);
  const postSd = Math.sqrt((sigma * sigma) / (1 + sigma * sigma));
  const cases: AnalyticCase[] = [];
  for (let i = 0; i < n; i++) {
    const truth = Array.from({ length: dim }, () => rng.normal());
    const x = truth.map((t) => t + sigma * rng.normal());
    const postMean = x.map((v) => v / (1 + sigma * sigma));
    const samples = new Float64Array(L * dim);
    for (let s = 0; s < L; s++) for (let k = 0; k < dim; k++) samples[s * dim + k] = postMean[k]! + widthFactor * postSd * rng.normal();
    cases.push({ truth, samples, postMean, postSd });
  }
  return cases;
}
