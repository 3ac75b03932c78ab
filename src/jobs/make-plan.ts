import type { Experiment } from '../experiment/schema.js';
import { chunkSizeFor, planChunks } from './plan.js';
import { RunDir } from '../store/run-dir.js';
import { hasPlan, readPlan, writePlan, type PlanFile } from '../store/plan-file.js';
import { readArrow } from '../store/arrow.js';
import { assertCompatible } from '../store/compat.js';
import { timeSimulations } from '../task/timing.js';
import { version } from '../version.js';

/**
 * The run's plan, made once: an existing plan.json is never changed (chunk ids are referenced by the
 * manifest, outputs and backend jobs). The chunk size is `--chunk-size`, else `sweep.chunkSize`, else
 * sized from `sweep.targetTaskMinutes` with a quick in-process timing of a shortened simulation.
 * A dry run computes the plan without writing it.
 */
export async function ensurePlan(run: RunDir, exp: Experiment, opts: { chunkSize?: number; workers: number; dryRun?: boolean }): Promise<PlanFile> {
  if (hasPlan(run)) {
    const plan = readPlan(run);
    assertCompatible(plan.version, version, run.plan);
    return plan;
  }
  const theta = readArrow(run.theta);
  const nSamples = theta.columns[0].length;
  const targetTaskSeconds = exp.sweep.targetTaskMinutes * 60;
  const fixed = opts.chunkSize ?? exp.sweep.chunkSize;
  let chunkSize: number;
  let sizing: PlanFile['sizing'];
  if (fixed !== undefined) {
    chunkSize = Math.min(fixed, nSamples);
    sizing = { targetTaskSeconds, secondsPerSimulation: null, source: 'fixed' };
  } else {
    const secondsPerSimulation = await timeSimulations(exp, theta, run.experiment);
    chunkSize = chunkSizeFor({ nSamples, secondsPerSimulation, targetSeconds: targetTaskSeconds, batchSize: exp.sweep.batchSize, minChunks: opts.workers });
    sizing = { targetTaskSeconds, secondsPerSimulation, source: 'timing' };
  }
  const plan: PlanFile = { version, nSamples, chunkSize, sizing, chunks: planChunks(nSamples, chunkSize), created: new Date().toISOString() };
  if (!opts.dryRun) writePlan(run, plan);
  return plan;
}
