import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadExperimentFile, freezeExperiment } from './load.js';
import { drawTheta } from './theta.js';
import { RunDir } from '../store/run-dir.js';
import { writeArrow } from '../store/arrow.js';
import { InputError } from '../errors.js';
import { stringify } from 'yaml';
import { version } from '../version.js';

export interface CreateRunResult {
  run: string;
  created: boolean;
  samples: number;
  parameters: string[];
  design: string;
}

/**
 * `hpcinv sample`: validate, draw θ, freeze the experiment. θ is written first and the frozen experiment
 * last, so a directory with both is complete. Re-running with the same experiment is a no-op; with a
 * different experiment it is refused (a run never mixes two experiments).
 */
export function createRun(experimentPath: string, runRoot: string): CreateRunResult {
  const exp = loadExperimentFile(experimentPath);
  const run = new RunDir(runRoot);
  const theta = drawTheta(exp);
  const result = { run: run.root, samples: theta.sample.length, parameters: theta.names, design: exp.simulations.design };
  if (existsSync(run.experiment)) {
    const frozen = readFileSync(run.experiment, 'utf8');
    if (run.exists() && frozenBody(frozen) === stringify({ ...exp, hpcinv: { version } })) return { ...result, created: false };
    throw new InputError(`${run.root} already holds a run of a different experiment — fix: choose a new run directory, or delete ${run.root} to start over`);
  }
  if (existsSync(run.root) && readdirSync(run.root).some((f) => !f.startsWith('.'))) {
    throw new InputError(`${run.root} exists and is not empty — fix: choose a new run directory`);
  }
  writeArrow(run.theta, { names: ['sample', ...theta.names], columns: [theta.sample, ...theta.columns] });
  freezeExperiment(run, exp);
  return { ...result, created: true };
}

function frozenBody(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}
