import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { HpcinvError, InputError } from '../errors.js';
import { renderReport } from '../diagnostics/report.js';
import type { CellSummary, StudySummary } from '../diagnostics/study-summary.js';
import { createRun } from '../experiment/create-run.js';
import { loadExperimentFile } from '../experiment/load.js';
import type { Experiment } from '../experiment/schema.js';
import type { TrainOptions } from '../inference/train-loop.js';
import { submitRun } from '../jobs/sweep.js';
import { priorFromSpec, type ParameterSpec } from '../prior/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import { gather } from '../store/gather.js';
import { createEngine } from '../task/engine.js';
import { sampleSeed } from '../task/seeds.js';
import { RunDir } from '../store/run-dir.js';
import { evaluateStudy } from './evaluate.js';
import { splitStudyData, studyShortfall } from './study-data.js';
import { parseBudgets, parseFeatureSets } from './study-options.js';

/**
 * `hpcinv validate`: one run directory holds every simulation of the study (largest budget + held-out
 * cases), simulated through the experiment's backend by the ordinary sweep (so an interrupted study
 * resumes where it stopped); then one posterior per (budget, feature set) is trained and evaluated, and
 * the report is written.
 *
 *   <study>/experiment.yaml   the experiment with simulations.count = max budget + test cases
 *   <study>/sims/             the run directory (θ, chunks, dataset.arrow)
 *   <study>/reserve/          only when simulations diverged: a run of fresh prior draws (its own θ and
 *                             noise seed) whose first usable rows take the diverged ones' places
 *   <study>/report/index.html the self-contained report; report/summary.json every number in it
 */
export interface ValidateOptions {
  experiment: string;
  study: string;
  budgets: number[];
  featureSets: string[];
  test: number;
  posteriorSamples: number;
  seed: number;
  backend?: string;
  concurrency?: number;
  chunkSize?: number;
  train?: TrainOptions;
  /** Posterior predictive checks: held-out cases checked and simulations per case (in this process). */
  ppcCases?: number;
  ppcSamples?: number;
  /** No progress output. */
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface ValidateResult {
  study: string;
  report: string;
  summaryFile: string;
  seconds: { simulate: number; trainAndEvaluate: number; total: number };
  summary: StudySummary;
}

const CONNECTOME_FILES = ['source', 'weights', 'tractLengths', 'labels'] as const;

/**
 * The study's experiment: the user's with the study's simulation count, connectome files made absolute,
 * and no `observation` section (the study makes its own held-out observations; that section's relative
 * file paths would not hold in the study's folder).
 */
function studyExperiment(exp: Experiment, experimentPath: string, count: number): Experiment {
  const base = dirname(resolve(experimentPath));
  const connectome = { ...exp.connectome };
  for (const key of CONNECTOME_FILES) {
    const ref = connectome[key];
    if (ref !== undefined && !/^tvb:/.test(ref) && !isAbsolute(ref)) connectome[key] = resolve(base, ref);
  }
  const { observation: _observation, ...rest } = exp;
  return { ...rest, connectome, simulations: { ...exp.simulations, count } };
}

/** Creates (or resumes) the run `root` of `experimentPath`, simulates it to the end and gathers it. */
async function simulateAndGather(experimentPath: string, root: string, opts: ValidateOptions, what: string, log: (line: string) => void) {
  const created = createRun(experimentPath, root);
  log(`${created.created ? 'created' : 'resuming'} ${root}: ${what}`);
  const sub = await submitRun(root, { backend: opts.backend, concurrency: opts.concurrency, chunkSize: opts.chunkSize, quiet: opts.quiet });
  log(sub.summary);
  if (sub.exitCode !== 0 || sub.done !== sub.chunks) throw new HpcinvError(`the study's ${what} did not all finish: ${sub.summary}`, sub.exitCode || 1);
  const gathered = gather(new RunDir(root));
  log(`gathered ${gathered.rows} simulations (${gathered.diverged} diverged) into ${gathered.path}`);
  return { gathered, backend: sub.backend };
}

/**
 * Simulates θ rows with the study's experiment in this process (posterior predictive checks are a few
 * dozen simulations) and returns their features in `featureNames` order; failed runs give NaN rows.
 * Noise seeds continue after the study's own samples, so predictive runs never reuse a training seed.
 */
async function predictiveSimulator(exp: Experiment, experimentFile: string, parameters: string[], featureNames: string[], firstSample: number) {
  const engine = await createEngine(exp, parameters, { experimentFile });
  let next = firstSample;
  return async (theta: Float64Array): Promise<Float64Array> => {
    const rows = theta.length / parameters.length;
    const seeds = Array.from({ length: rows }, () => sampleSeed(exp.simulations.seed, next++));
    const r = engine.run(theta, seeds);
    const out = new Float64Array(rows * featureNames.length).fill(NaN);
    const cols = featureNames.map((f) => r.names.indexOf(f));
    for (let i = 0; i < rows; i++) {
      if (r.status[i] !== 'ok') continue;
      cols.forEach((c, j) => (out[i * featureNames.length + j] = c < 0 ? NaN : r.features[i * r.names.length + c]!));
    }
    return out;
  };
}

/**
 * Diverged simulations leave places empty in the training pool or the held-out set; a reserve run of
 * fresh prior draws fills them. Its size is a function of the shortfall alone, so a rerun of the study
 * finds the same reserve run (and resumes it) rather than a different experiment.
 */
async function simulateReserve(exp: Experiment, opts: ValidateOptions, study: string, shortfall: number, log: (line: string) => void): Promise<string> {
  const count = 2 * shortfall + 8;
  const seed = (exp.simulations.seed + 1_000_003) % 2 ** 32;
  const reserveExperiment = join(study, 'reserve-experiment.yaml');
  const base = studyExperiment(exp, opts.experiment, count);
  writeFileAtomic(reserveExperiment, `# hpcinv validate: ${count} reserve simulations for ${shortfall} diverged\n${stringify({ ...base, simulations: { ...base.simulations, seed } })}`);
  log(`${shortfall} simulation(s) diverged: simulating reserve draws in their places`);
  const { gathered } = await simulateAndGather(reserveExperiment, join(study, 'reserve'), opts, `${count} reserve simulations`, log);
  return gathered.path;
}

export async function runValidation(opts: ValidateOptions): Promise<ValidateResult> {
  const t0 = performance.now();
  const log = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const exp = loadExperimentFile(opts.experiment);
  if (exp.simulations.design !== 'prior') {
    throw new InputError(`${opts.experiment}: validation needs simulations.design: prior (θ drawn from the prior), not ${exp.simulations.design} — fix: set design: prior`);
  }
  if (!Number.isInteger(opts.test) || opts.test < 2) throw new InputError(`--test ${opts.test}: need at least 2 held-out cases (100 or more for calibration) — fix: e.g. --test 100`);
  if (!Number.isInteger(opts.posteriorSamples) || opts.posteriorSamples < 10) throw new InputError(`--samples ${opts.posteriorSamples}: need at least 10 posterior samples per case — fix: e.g. --samples 1000`);
  if (opts.ppcCases !== undefined && (!Number.isInteger(opts.ppcCases) || opts.ppcCases < 0 || opts.ppcCases > opts.test)) {
    throw new InputError(`--ppc ${opts.ppcCases}: must be a whole number from 0 to the ${opts.test} held-out cases — fix: e.g. --ppc 3`);
  }
  if (opts.ppcSamples !== undefined && (!Number.isInteger(opts.ppcSamples) || opts.ppcSamples < 2)) {
    throw new InputError(`--ppc-samples ${opts.ppcSamples}: need at least 2 simulations per check — fix: e.g. --ppc-samples 20`);
  }
  const featureSets = parseFeatureSets(opts.featureSets, exp.features.compute as string[]);
  const parameters = exp.parameters as ParameterSpec[];
  const prior = priorFromSpec(parameters);
  const budgets = parseBudgets(opts.budgets);
  const pool = budgets[budgets.length - 1]!;
  const count = pool + opts.test;

  const study = resolve(opts.study);
  mkdirSync(study, { recursive: true });
  const experimentPath = join(study, 'experiment.yaml');
  writeFileAtomic(experimentPath, `# hpcinv validate: ${resolve(opts.experiment)} with ${pool} training + ${opts.test} held-out simulations\n${stringify(studyExperiment(exp, opts.experiment, count))}`);
  const { gathered, backend } = await simulateAndGather(experimentPath, join(study, 'sims'), opts, `${count} simulations (${pool} for training, ${opts.test} held out)`, log);
  const shortfall = studyShortfall(gathered.path, prior.names, pool, opts.test);
  const reservePath = shortfall > 0 ? await simulateReserve(exp, opts, study, shortfall, log) : undefined;
  const tSim = performance.now();

  const data = splitStudyData(gathered.path, prior.names, pool, opts.test, reservePath);
  const facts: Record<string, string | number> = {
    experiment: resolve(opts.experiment),
    connectome: String(exp.connectome.source ?? exp.connectome.weights ?? ''),
    'training pool (usable / simulated)': `${data.trainTheta.length / prior.names.length} / ${pool}`,
    'diverged simulations left out': data.droppedTrain + data.droppedTest,
    'reserve simulations in their places': data.reserveUsed,
    backend,
    'simulation wall time (s)': Number(((tSim - t0) / 1000).toFixed(1)),
    seed: opts.seed,
  };
  const summary = await evaluateStudy(data, {
    budgets,
    featureSets,
    prior,
    posteriorSamples: opts.posteriorSamples,
    seed: opts.seed,
    ...(opts.train ? { train: opts.train } : {}),
    ...(opts.ppcCases ? { ppc: { cases: opts.ppcCases, samples: opts.ppcSamples ?? 20, simulate: await predictiveSimulator(exp, experimentPath, prior.names, data.featureNames, count) } } : {}),
    title: `Validation of ${prior.names.join(', ')} — ${resolve(opts.experiment)}`,
    facts,
    onCell: (c: CellSummary, i, total) =>
      log(`[${i}/${total}] ${c.featureSet} @ ${c.budget}: mean shrinkage ${c.perParameter.map((p) => p.meanShrinkage.toFixed(3)).join('/')}, mean z ${c.perParameter.map((p) => p.meanZ.toFixed(2)).join('/')}, SBC ${c.sbcCalibrated ? 'ok' : 'MISCALIBRATED'} (train ${c.trainSeconds?.toFixed(1)} s)`),
  });
  const tEnd = performance.now();
  summary.facts['train + evaluate wall time (s)'] = Number(((tEnd - tSim) / 1000).toFixed(1));
  summary.facts['study wall time (s)'] = Number(((tEnd - t0) / 1000).toFixed(1));

  const reportDir = join(study, 'report');
  mkdirSync(reportDir, { recursive: true });
  const summaryFile = join(reportDir, 'summary.json');
  const report = join(reportDir, 'index.html');
  writeFileAtomic(summaryFile, JSON.stringify(summary));
  writeFileAtomic(report, await renderReport(summary));
  return {
    study,
    report,
    summaryFile,
    seconds: { simulate: (tSim - t0) / 1000, trainAndEvaluate: (tEnd - tSim) / 1000, total: (tEnd - t0) / 1000 },
    summary,
  };
}
