/**
 * `hpcinv submit`'s cost check: before anything is submitted, estimate the chunks not yet done; above the
 * threshold (site profile budget.confirmAboveCoreHours, 100 core-hours without a site) show the estimate
 * and ask — or, when stdin is not a terminal (scripts, CI), refuse and name --yes. With --yes the estimate
 * is still printed: the decision is the user's.
 */
import { createInterface } from 'node:readline/promises';
import { InputError } from '../errors.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import { readArrow } from '../store/arrow.js';
import { checkChunk } from '../store/done-marker.js';
import { hasPlan, readPlan } from '../store/plan-file.js';
import { RunDir } from '../store/run-dir.js';
import { timeSimulations } from '../task/timing.js';
import { costContext } from './cost-context.js';
import { costTable, estimateExperimentCost, type CostEstimate } from './estimate.js';

export interface ConfirmOptions {
  backend?: string;
  concurrency?: number;
  chunkSize?: number;
  yes: boolean;
  /** Answers the question (tests); default: a terminal prompt when stdin is a TTY. */
  ask?: (question: string) => Promise<string>;
  write?: (text: string) => void;
}

export async function confirmSubmitCost(runRoot: string, opts: ConfirmOptions): Promise<CostEstimate | undefined> {
  const run = new RunDir(runRoot);
  if (!run.exists()) return undefined; // submit reports the missing run with its fix
  const exp = loadFrozenExperiment(run);
  const theta = readArrow(run.theta);
  let remaining = theta.columns[0]!.length;
  if (hasPlan(run)) {
    const plan = readPlan(run);
    remaining = plan.chunks.filter((c) => !checkChunk(run, c.id, c.end - c.start).ok).reduce((s, c) => s + c.end - c.start, 0);
  }
  if (remaining === 0) return undefined;
  // Timed again rather than taken from plan.json: the same measurement as `hpcinv plan` shows.
  const secondsPerSimulation = await timeSimulations(exp, theta, run.experiment);
  const context = costContext(exp, { backend: opts.backend, concurrency: opts.concurrency });
  const estimate = estimateExperimentCost(exp, context, { nSamples: remaining, secondsPerSimulation, chunkSize: opts.chunkSize });
  if (!estimate.needsConfirmation) return estimate;
  const write = opts.write ?? ((t: string) => process.stderr.write(t));
  write(`${costTable(estimate, { backend: context.backend, ...(context.site ? { site: context.site } : {}) })}\n`);
  if (opts.yes) return estimate;
  const question = `this submission is estimated at ${estimate.coreHours.toFixed(1)} core-hours (above ${context.confirmAboveCoreHours}). Submit? [y/N] `;
  const ask = opts.ask ?? (process.stdin.isTTY ? terminalAsk : undefined);
  if (!ask) {
    throw new InputError(`the submission is estimated at ${estimate.coreHours.toFixed(1)} core-hours, above the ${context.confirmAboveCoreHours} core-hours that need a confirmation, and stdin is not a terminal — fix: rerun with --yes to submit anyway (check \`hpcinv plan\` first)`);
  }
  const answer = (await ask(question)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new InputError('submission not confirmed; nothing was submitted — fix: rerun and answer y, or pass --yes');
  return estimate;
}

async function terminalAsk(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
