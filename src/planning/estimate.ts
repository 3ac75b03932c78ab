/**
 * Cost arithmetic of a sweep, kept free of I/O so it can be checked by hand: core-hours from the measured
 * seconds per simulation, the chunk size for a target task duration (the same rule `submit` plans with),
 * the wall time at a given concurrency, and the verdict against a budget.
 */
import { chunkSizeFor } from '../jobs/plan.js';
import type { Experiment } from '../experiment/schema.js';
import type { CostContext } from './cost-context.js';

export interface CostInput {
  nSamples: number;
  /** Measured here (CPU seconds, src/task/timing.ts), per simulation including its share of a batch. */
  secondsPerSimulation: number;
  batchSize: number;
  targetTaskMinutes: number;
  /** A fixed chunk size (sweep.chunkSize or --chunk-size) instead of the target-based one. */
  chunkSize?: number;
  /** Cores each task holds (SLURM cpusPerTask): charged even though a task computes on one. */
  coresPerTask: number;
  /** Tasks running at once (for the wall-time estimate). */
  concurrency: number;
  /** Compute-node speed relative to this machine (2 = twice as fast). */
  speedup: number;
  budgetCoreHours?: number;
  confirmAboveCoreHours: number;
}

export interface CostEstimate {
  nSamples: number;
  secondsPerSimulation: number;
  chunkSize: number;
  chunks: number;
  taskMinutes: number;
  coreHours: number;
  wallHours: number;
  budgetCoreHours?: number;
  /** Fraction of the budget the sweep uses (undefined without a budget). */
  budgetFraction?: number;
  withinBudget: boolean;
  needsConfirmation: boolean;
}

export function estimateCost(c: CostInput): CostEstimate {
  const perSim = c.secondsPerSimulation / c.speedup;
  const chunkSize = c.chunkSize !== undefined ? Math.min(c.chunkSize, c.nSamples) : chunkSizeFor({ nSamples: c.nSamples, secondsPerSimulation: perSim, targetSeconds: c.targetTaskMinutes * 60, batchSize: c.batchSize, minChunks: 1 });
  const chunks = Math.ceil(c.nSamples / chunkSize);
  const taskSeconds = chunkSize * perSim;
  const coreHours = (c.nSamples * perSim * c.coresPerTask) / 3600;
  // Full waves of `concurrency` tasks, the last one possibly partial but as long as a full task.
  const wallHours = (Math.ceil(chunks / Math.max(1, c.concurrency)) * taskSeconds) / 3600;
  const budgetFraction = c.budgetCoreHours !== undefined ? coreHours / c.budgetCoreHours : undefined;
  return {
    nSamples: c.nSamples,
    secondsPerSimulation: perSim,
    chunkSize,
    chunks,
    taskMinutes: taskSeconds / 60,
    coreHours,
    wallHours,
    ...(c.budgetCoreHours !== undefined ? { budgetCoreHours: c.budgetCoreHours, budgetFraction } : {}),
    withinBudget: budgetFraction === undefined || budgetFraction <= 1,
    needsConfirmation: coreHours > c.confirmAboveCoreHours,
  };
}

/** The estimate as an aligned two-column table. */
export function costTable(e: CostEstimate, context: Record<string, string>): string {
  const f = (x: number, d = 2) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3).replace(/\.?0+$/, '') || '0');
  const rows: [string, string][] = [
    ...Object.entries(context),
    ['simulations', String(e.nSamples)],
    ['CPU seconds per simulation (here)', e.secondsPerSimulation.toFixed(2)],
    ['chunk size', `${e.chunkSize} simulations (${e.chunks} tasks of ~${f(e.taskMinutes)} min)`],
    ['core-hours', f(e.coreHours)],
    ['wall time', `~${f(e.wallHours)} h at the given concurrency`],
    ['budget', e.budgetCoreHours === undefined ? 'none set' : `${f(e.budgetCoreHours)} core-hours: ${(100 * e.budgetFraction!).toFixed(1)}% ${e.withinBudget ? '(fits)' : '(EXCEEDS the budget)'}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/** The estimate of `nSamples` simulations of an experiment in a cost context (plan and submit alike). */
export function estimateExperimentCost(
  exp: Experiment,
  context: CostContext,
  run: { nSamples: number; secondsPerSimulation: number; chunkSize?: number; speedup?: number },
): CostEstimate {
  return estimateCost({
    nSamples: run.nSamples,
    secondsPerSimulation: run.secondsPerSimulation,
    batchSize: exp.sweep.batchSize,
    targetTaskMinutes: exp.sweep.targetTaskMinutes,
    chunkSize: run.chunkSize ?? exp.sweep.chunkSize,
    coresPerTask: context.coresPerTask,
    concurrency: context.concurrency,
    speedup: run.speedup ?? 1,
    budgetCoreHours: context.budgetCoreHours,
    confirmAboveCoreHours: context.confirmAboveCoreHours,
  });
}

