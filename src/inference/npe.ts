/**
 * Neural posterior estimation in one call: checks the simulations against the prior, trains the flow
 * in a worker thread and wraps it as a posterior restricted to the prior's support.
 */
import { InputError } from '../errors.js';
import type { BackendName } from '../flow/runtime.js';
import { posteriorFromTrained } from './model-files.js';
import type { Posterior, PriorLike } from './posterior.js';
import { trainInWorker } from './train.js';
import { trainFlow, type EpochProgress, type TrainedFlow, type TrainOptions } from './train-loop.js';

export interface NpeInput {
  theta: Float64Array;
  x: Float64Array;
  xDim: number;
  prior: PriorLike;
}

/** Every θ row must lie in the prior's support: otherwise the dataset and the prior disagree. */
export function checkThetaInPrior(theta: Float64Array, prior: PriorLike): void {
  const d = prior.names.length;
  if (theta.length % d !== 0) throw new InputError(`θ has ${theta.length} values, not a multiple of the prior's ${d} parameters — fix: select the prior's θ columns`);
  const bad: number[] = [];
  for (let i = 0; i < theta.length / d; i++) if (!prior.inSupportRow(theta, i * d)) bad.push(i);
  if (bad.length > 0) {
    throw new InputError(
      `${bad.length} θ row(s) lie outside the prior's support (first: row ${bad[0]}: [${Array.from(theta.subarray(bad[0]! * d, bad[0]! * d + d)).join(', ')}]) — fix: train with the prior the simulations were drawn from`,
    );
  }
}

export async function runNpe(
  input: NpeInput,
  options: TrainOptions & { inWorker?: boolean } = {},
  onEpoch?: (p: EpochProgress) => void,
): Promise<{ trained: TrainedFlow; posterior: Posterior }> {
  const d = input.prior.names.length;
  checkThetaInPrior(input.theta, input.prior);
  const { inWorker = true, ...trainOptions } = options;
  const trained = inWorker
    ? await trainInWorker(input.theta, d, input.x, input.xDim, trainOptions, onEpoch)
    : await trainFlow(input.theta, d, input.x, input.xDim, trainOptions, onEpoch);
  const posterior = await posteriorFromTrained(trained, input.prior, (options.backend ?? trained.backend) as BackendName | 'auto');
  return { trained, posterior };
}
