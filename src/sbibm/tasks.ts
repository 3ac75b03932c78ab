/**
 * The four sbibm tasks used as accuracy benchmarks (Lueckmann et al. 2021), written from the task
 * definitions in shared/refdata/sbibm/README.md: priors as hpcinv parameter specs and seeded simulators.
 */
import { Rng } from '../flow/rng.js';
import { priorFromSpec, type IndependentPrior, type ParameterSpec } from '../prior/index.js';

export type TaskName = 'two_moons' | 'gaussian_linear' | 'slcp' | 'gaussian_mixture';
export const TASK_NAMES: TaskName[] = ['two_moons', 'gaussian_linear', 'slcp', 'gaussian_mixture'];

export interface SbibmTask {
  name: TaskName;
  thetaDim: number;
  xDim: number;
  parameters: ParameterSpec[];
  prior: IndependentPrior;
  /** x for every θ row (n × thetaDim) → n × xDim. */
  simulate(theta: Float64Array, rng: Rng): Float64Array;
}

function params(d: number, prior: ParameterSpec['prior']): ParameterSpec[] {
  return Array.from({ length: d }, (_, i) => ({ path: `theta.parameter_${i + 1}`, prior }) as ParameterSpec);
}

function task(name: TaskName, thetaDim: number, xDim: number, parameters: ParameterSpec[], simulateRow: (t: Float64Array, out: Float64Array, rng: Rng) => void): SbibmTask {
  return {
    name,
    thetaDim,
    xDim,
    parameters,
    prior: priorFromSpec(parameters),
    simulate(theta, rng) {
      const n = theta.length / thetaDim;
      const x = new Float64Array(n * xDim);
      for (let i = 0; i < n; i++) simulateRow(theta.subarray(i * thetaDim, (i + 1) * thetaDim), x.subarray(i * xDim, (i + 1) * xDim), rng);
      return x;
    },
  };
}

const twoMoons = (): SbibmTask =>
  task('two_moons', 2, 2, params(2, { kind: 'uniform', low: -1, high: 1 }), (t, out, rng) => {
    const a = Math.PI * (rng.uniform() - 0.5);
    const r = 0.1 + 0.01 * rng.normal();
    out[0] = r * Math.cos(a) + 0.25 - Math.abs(t[0]! + t[1]!) / Math.SQRT2;
    out[1] = r * Math.sin(a) + (-t[0]! + t[1]!) / Math.SQRT2;
  });

// Prior and noise covariances are 0.1·I (standard deviation √0.1), see the refdata README.
const gaussianLinear = (): SbibmTask =>
  task('gaussian_linear', 10, 10, params(10, { kind: 'normal', mu: 0, sigma: Math.sqrt(0.1) }), (t, out, rng) => {
    for (let j = 0; j < 10; j++) out[j] = t[j]! + Math.sqrt(0.1) * rng.normal();
  });

const slcp = (): SbibmTask =>
  task('slcp', 5, 8, params(5, { kind: 'uniform', low: -3, high: 3 }), (t, out, rng) => {
    const s1 = t[2]! ** 2;
    const s2 = t[3]! ** 2;
    const rho = Math.tanh(t[4]!);
    // Cholesky factor of [[s1², ρ s1 s2], [ρ s1 s2, s2²]] + 1e-6 I.
    const l11 = Math.sqrt(s1 * s1 + 1e-6);
    const l21 = (rho * s1 * s2) / l11;
    const l22 = Math.sqrt(Math.max(0, s2 * s2 + 1e-6 - l21 * l21));
    for (let k = 0; k < 4; k++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      out[2 * k] = t[0]! + l11 * e1;
      out[2 * k + 1] = t[1]! + l21 * e1 + l22 * e2;
    }
  });

const gaussianMixture = (): SbibmTask =>
  task('gaussian_mixture', 2, 2, params(2, { kind: 'uniform', low: -10, high: 10 }), (t, out, rng) => {
    // The mixture component is drawn per simulation (sbibm ≥ 1.1.0; older versions shared it per batch).
    const sd = rng.uniform() < 0.5 ? 1 : 0.1;
    out[0] = t[0]! + sd * rng.normal();
    out[1] = t[1]! + sd * rng.normal();
  });

export function getTask(name: string): SbibmTask {
  switch (name) {
    case 'two_moons':
      return twoMoons();
    case 'gaussian_linear':
      return gaussianLinear();
    case 'slcp':
      return slcp();
    case 'gaussian_mixture':
      return gaussianMixture();
    default:
      throw new Error(`unknown sbibm task ${name}; known: ${TASK_NAMES.join(', ')}`);
  }
}

/** n simulations: θ from the prior (seeded) and x from the simulator (seeded). */
export function simulateDataset(t: SbibmTask, n: number, seed: number): { theta: Float64Array; x: Float64Array } {
  const theta = t.prior.sample(n, seed).values;
  return { theta, x: t.simulate(theta, new Rng(seed + 0x51)) };
}
