/**
 * `hpcinv plan`: time a few simulations of the experiment on this machine (one simulator batch at two
 * short durations: `src/task/timing.ts`, the estimate chunk sizing uses too), extrapolate to the whole
 * sweep and check it against the budget. Nothing is written.
 */
import { resolve } from 'node:path';
import { loadExperimentFile } from '../experiment/load.js';
import { drawTheta } from '../experiment/theta.js';
import { timeSimulations } from '../task/timing.js';
import { costContext, type CostContext } from './cost-context.js';
import { estimateExperimentCost, type CostEstimate } from './estimate.js';

export interface PlanOptions {
  backend?: string;
  site?: string;
  concurrency?: number;
  chunkSize?: number;
  budget?: number;
  speedup?: number;
}

export async function planExperiment(experimentPath: string, opts: PlanOptions = {}): Promise<{ estimate: CostEstimate; context: CostContext }> {
  const exp = loadExperimentFile(experimentPath);
  const context = costContext(exp, opts);
  const theta = drawTheta(exp);
  const table = { names: ['sample', ...theta.names], columns: [theta.sample, ...theta.columns] };
  const secondsPerSimulation = await timeSimulations(exp, table, resolve(experimentPath));
  const estimate = estimateExperimentCost(exp, context, { nSamples: theta.sample.length, secondsPerSimulation, chunkSize: opts.chunkSize, speedup: opts.speedup });
  return { estimate, context };
}
