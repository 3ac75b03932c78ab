import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Experiment } from './schema.js';
import { loadExperimentFile, freezeExperiment } from './load.js';
import { drawTheta, type ThetaColumns } from './theta.js';
import { connectomeOf, parameterSetOf, simulationSpecOf, type SimulationSection } from './simulation.js';
import { setParameter } from './parameter-path.js';
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
  checkAppliesToConnectome(exp, experimentPath, theta);
  const result = { run: run.root, samples: theta.sample.length, parameters: theta.names, design: exp.simulations.design };
  if (existsSync(run.experiment)) {
    const frozen = readFileSync(run.experiment, 'utf8');
    if (run.exists() && frozenBody(frozen) === stringify({ ...inputsRewritten(exp), hpcinv: { version } })) return { ...result, created: false };
    throw new InputError(`${run.root} already holds a run of a different experiment — fix: choose a new run directory, or delete ${run.root} to start over`);
  }
  if (existsSync(run.root) && readdirSync(run.root).some((f) => !f.startsWith('.'))) {
    throw new InputError(`${run.root} exists and is not empty — fix: choose a new run directory`);
  }
  writeArrow(run.theta, { names: ['sample', ...theta.names], columns: [theta.sample, ...theta.columns] });
  freezeExperiment(run, withInputsCopied(exp, experimentPath, run));
  return { ...result, created: true };
}

/**
 * Fail at `sample`, not in every task: the connectome must load, and the first θ row must apply
 * (e.g. `model.eta[80]` on a 68-region connectome is refused here with its fix).
 */
function checkAppliesToConnectome(exp: Experiment, experimentPath: string, theta: ThetaColumns): void {
  const connectome = connectomeOf(exp, resolve(experimentPath));
  let section: SimulationSection = exp;
  theta.names.forEach((path, j) => {
    section = setParameter(section, path, theta.columns[j][0], connectome.n);
  });
  parameterSetOf(section, connectome.n);
  simulationSpecOf(exp, connectome);
}

const CONNECTOME_FILES = ['source', 'weights', 'tractLengths', 'labels'] as const;

/** Bundled names (`tvb:68`) need no copy; files and directories do. */
function isFile(ref: string | undefined): ref is string {
  return ref !== undefined && !/^tvb:/.test(ref);
}

/**
 * The experiment as frozen: connectome files referenced as `inputs/<name>` inside the run directory, and
 * no `observation` — it names the data `hpcinv run` infers for, not the sweep, so a changed observation
 * reuses the run (the run records what it inferred for in observation.json).
 */
function inputsRewritten(exp: Experiment): Experiment {
  const connectome = { ...exp.connectome };
  for (const key of CONNECTOME_FILES) if (isFile(connectome[key])) connectome[key] = `inputs/${basename(connectome[key]!)}`;
  const { observation: _notFrozen, ...sweep } = exp;
  return { ...sweep, connectome };
}

/**
 * Copy connectome files into `<run>/inputs/` so the run directory is self-contained: tasks resolve them
 * against the frozen experiment wherever the run is staged (a cluster, a UNICORE job directory).
 */
function withInputsCopied(exp: Experiment, experimentPath: string, run: RunDir): Experiment {
  const base = dirname(resolve(experimentPath));
  for (const key of CONNECTOME_FILES) {
    const ref = exp.connectome[key];
    if (!isFile(ref)) continue;
    const target = join(run.root, 'inputs', basename(ref));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(resolve(base, ref), target, { recursive: true });
  }
  return inputsRewritten(exp);
}

function frozenBody(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}
