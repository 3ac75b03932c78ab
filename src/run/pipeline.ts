/**
 * `hpcinv run`: sample → simulate (submit) → gather → train → observation → infer → report, each stage
 * skipped when its output in the run directory exists and is still valid, so an interrupted run resumes
 * where it stopped and a finished one only re-prints its summary. The stages call the same functions as
 * the single commands (`sample`, `submit`, `gather`, `train`), so a run made step by step and one made by
 * `hpcinv run` are the same directory. The observation is synthetic (a simulated ground truth, checked for
 * coverage) or empirical BOLD, one file per subject (observed right after sampling, so a bad file fails
 * before the sweep; one posterior per subject) — see observation-choice.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRun } from '../experiment/create-run.js';
import { loadExperimentFile, loadFrozenExperiment } from '../experiment/load.js';
import { HpcinvError } from '../errors.js';
import { modelDir, trainRun, type TrainCommandOptions } from '../inference/run-commands.js';
import { loadPosterior, POSTERIOR_JSON } from '../inference/model-files.js';
import { submitRun } from '../jobs/sweep.js';
import type { ParameterSpec } from '../prior/index.js';
import { column, readArrow, writeArrow } from '../store/arrow.js';
import { writeFileAtomic } from '../store/atomic.js';
import { checkChunk } from '../store/done-marker.js';
import { gather } from '../store/gather.js';
import { hasPlan, readPlan } from '../store/plan-file.js';
import { RunDir } from '../store/run-dir.js';
import type { SubjectResult } from '../observed/subjects.js';
import { inferencePath, inferForSubjects, observeSubjects, subjectSamplesPath, type EmpiricalObservation } from './empirical.js';
import { makeObservation, type Observation } from './observation.js';
import { chooseObservation, type ObservationFlags } from './observation-choice.js';
import { summarisePosterior, type ParameterPosterior } from './posterior-summary.js';
import { writeRunReport, type RunReportContent } from './write-report.js';

export interface RunOptions extends ObservationFlags {
  experiment: string;
  run: string;
  backend?: string;
  concurrency?: number;
  chunkSize?: number;
  /** Posterior samples for the observation, per subject for empirical data (default 10,000). */
  posteriorSamples?: number;
  train?: Omit<TrainCommandOptions, 'out'>;
  /** No progress output from the sweep. */
  quiet?: boolean;
  log?: (line: string) => void;
}

export type StageName = 'sample' | 'simulate' | 'gather' | 'train' | 'observe' | 'infer' | 'report';
const STAGES: StageName[] = ['sample', 'simulate', 'gather', 'train', 'observe', 'infer', 'report'];

interface RunResultBase {
  run: string;
  report: string;
  /** What each stage did: `done` now, or `skipped` (its output was already there and valid). */
  stages: Record<StageName, 'done' | 'skipped'>;
  simulations: number;
  samplesFile: string;
  seconds: Partial<Record<StageName, number>> & { total: number };
}

export type RunResult = RunResultBase &
  (
    | { kind: 'synthetic'; observation: Observation; posterior: ParameterPosterior[] }
    /** Empirical BOLD: one row per subject, no ground truth. */
    | { kind: 'files'; observation: EmpiricalObservation; subjects: SubjectResult[] }
  );

const mtime = (p: string) => statSync(p).mtimeMs;

/** Every chunk of the plan is done and verified. */
function sweepDone(run: RunDir): boolean {
  if (!hasPlan(run)) return false;
  return readPlan(run).chunks.every((c) => checkChunk(run, c.id, c.end - c.start).ok);
}

/** dataset.arrow exists and is newer than every chunk's done-marker (a redone chunk invalidates it). */
function datasetCurrent(run: RunDir): boolean {
  if (!existsSync(run.dataset)) return false;
  const t = mtime(run.dataset);
  return readPlan(run).chunks.every((c) => mtime(run.doneMarker(c.id)) <= t);
}

function modelCurrent(run: RunDir): boolean {
  const file = join(run.root, 'model', POSTERIOR_JSON);
  return existsSync(file) && mtime(file) >= mtime(run.dataset);
}

interface InferenceRecord {
  model: string;
  modelTime: number;
  observation: Observation;
  samples: number;
  posterior: ParameterPosterior[];
}

const samplesPath = (run: RunDir) => join(run.root, 'posterior_samples.arrow');

/** The stored inference if it was made from this model and this observation with as many samples. */
function readInference(run: RunDir, observation: Observation, samples: number): InferenceRecord | undefined {
  const path = inferencePath(run);
  if (!existsSync(path) || !existsSync(samplesPath(run))) return undefined;
  try {
    const rec = JSON.parse(readFileSync(path, 'utf8')) as InferenceRecord;
    const model = join(run.root, 'model', POSTERIOR_JSON);
    if (rec.modelTime !== mtime(model) || rec.samples !== samples || JSON.stringify(rec.observation) !== JSON.stringify(observation)) return undefined;
    return rec;
  } catch {
    return undefined;
  }
}

export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const seconds: RunResult['seconds'] = { total: 0 };
  const stages = {} as RunResult['stages'];
  const timed = async <T>(stage: StageName, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const r = await f();
    seconds[stage] = (performance.now() - t) / 1000;
    return r;
  };

  // Decided before anything is written: a missing observation file fails the run at once.
  const choice = chooseObservation(loadExperimentFile(opts.experiment), opts.experiment, opts);
  const created = await timed('sample', () => createRun(opts.experiment, opts.run));
  stages.sample = created.created ? 'done' : 'skipped';
  log(`${created.created ? 'sampled' : 'resuming'} ${created.run}: ${created.samples} simulations of ${created.parameters.join(', ')}`);
  const run = new RunDir(created.run);
  const exp = loadFrozenExperiment(run);

  let empirical: EmpiricalObservation | undefined;
  if (choice.kind === 'files') {
    const obs = await timed('observe', () => observeSubjects(run, exp, choice.files, choice.seed));
    stages.observe = obs.reused ? 'skipped' : 'done';
    empirical = obs.observation;
    if (!obs.reused) log(`computed the features of ${choice.files.length} subject(s): ${empirical.subjects.map((s) => s.subject).join(', ')}`);
  }

  if (sweepDone(run)) stages.simulate = 'skipped';
  else {
    const sub = await timed('simulate', () => submitRun(run.root, { backend: opts.backend, concurrency: opts.concurrency, chunkSize: opts.chunkSize, quiet: opts.quiet }));
    log(sub.summary);
    if (sub.exitCode !== 0 || sub.done !== sub.chunks) {
      throw new HpcinvError(`the simulations did not all finish: ${sub.summary.split('\n').slice(-1)[0]} — fix: rerun \`hpcinv run ${opts.experiment} --run ${run.root}\` to resume`, sub.exitCode || 1);
    }
    stages.simulate = 'done';
  }

  if (datasetCurrent(run)) stages.gather = 'skipped';
  else {
    const g = await timed('gather', () => gather(run));
    log(`gathered ${g.rows} simulations (${g.diverged} diverged) into ${g.path}`);
    stages.gather = 'done';
  }

  if (modelCurrent(run)) stages.train = 'skipped';
  else {
    const tr = await timed('train', () => trainRun(run.root, { ...opts.train }));
    log(`trained ${tr.flow} on ${tr.simulations} simulations in ${tr.seconds.toFixed(1)} s (${tr.epochs} epochs) → ${tr.model}`);
    stages.train = 'done';
  }

  const model = modelDir(run.root);
  const nSamples = opts.posteriorSamples ?? 10_000;
  const reportPath = join(run.root, 'report', 'index.html');
  const parameters = exp.parameters as ParameterSpec[];
  const report = async (content: Omit<RunReportContent, 'seconds'>) => {
    if (stages.infer === 'skipped' && existsSync(reportPath) && mtime(reportPath) >= mtime(inferencePath(run))) stages.report = 'skipped';
    else {
      await timed('report', () => writeRunReport(run, reportPath, parameters, { ...content, seconds }));
      stages.report = 'done';
    }
  };
  const finish = () => {
    seconds.total = (performance.now() - t0) / 1000;
    return { run: run.root, report: reportPath, stages: Object.fromEntries(STAGES.map((s) => [s, stages[s]])) as RunResult['stages'], simulations: created.samples, seconds };
  };

  if (empirical) {
    const inf = await timed('infer', () => inferForSubjects(run, model, empirical, nSamples));
    stages.infer = inf.reused ? 'skipped' : 'done';
    if (inf.reused) delete seconds.infer;
    const subjects = inf.record.subjects;
    await report({
      observations: subjects.map((s, k) => ({ name: s.subject, summary: s.posterior, samples: inf.samples[k]!, observed: s.features })),
      note: `Empirical BOLD of ${subjects.length} subject(s): no ground truth is known, so no coverage is checked.`,
      facts: {
        observation: `empirical BOLD, ${subjects.length} subject(s): ${subjects.map((s) => `${s.subject} = ${s.file} (${s.timeSamples} time samples)`).join(', ')}`,
        'posterior sampling seed': `${empirical.seed} (subject k: seed + k)`,
      },
    });
    return { ...finish(), kind: 'files', observation: empirical, subjects, samplesFile: subjectSamplesPath(run) };
  }

  const obs = await timed('observe', () => makeObservation(run, exp, choice));
  stages.observe = obs.reused ? 'skipped' : 'done';
  const observation = obs.observation;
  if (!obs.reused) log(`simulated the observation at ${Object.entries(observation.theta).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(', ')}`);

  let inference = readInference(run, observation, nSamples);
  let samples: Float64Array;
  if (inference) {
    stages.infer = 'skipped';
    samples = readSamples(run, inference.posterior.map((p) => p.parameter));
  } else {
    const r = await timed('infer', () => infer(run, model, observation, nSamples));
    samples = r.samples;
    inference = r.record;
    stages.infer = 'done';
  }
  await report({
    observations: [{ name: 'the synthetic observation', summary: inference.posterior, samples, observed: observation.features }],
    facts: {
      'ground truth': Object.entries(observation.theta).map(([p, v]) => `${p} = ${v.toPrecision(6)}${observation.drawn.includes(p) ? ' (drawn from the prior)' : ' (given)'}`).join(', '),
      'observation seed (θ* draw / noise)': `${observation.seed} / ${observation.noiseSeed}`,
    },
  });
  return { ...finish(), kind: 'synthetic', observation, posterior: inference.posterior, samplesFile: samplesPath(run) };
}

async function infer(run: RunDir, model: string, observation: Observation, n: number): Promise<{ samples: Float64Array; record: InferenceRecord }> {
  const { posterior, file } = await loadPosterior(model);
  try {
    const x = Float64Array.from(file.featureNames, (f) => {
      const v = observation.features[f];
      if (v === undefined) throw new HpcinvError(`the observation lacks feature ${f} that the posterior was trained on — fix: delete ${join(run.root, 'observation.json')} and rerun`, 1);
      return v;
    });
    // A seed of its own, so the posterior draws do not reuse the observation's noise stream.
    const { samples } = await posterior.sample(n, x, { seed: observation.seed + 1 });
    const summary = summarisePosterior(samples, file.thetaNames, observation.theta);
    const d = file.thetaNames.length;
    writeArrow(samplesPath(run), {
      names: ['draw', ...file.thetaNames],
      columns: [Int32Array.from({ length: n }, (_, i) => i), ...file.thetaNames.map((_, j) => Float64Array.from({ length: n }, (_, i) => samples[i * d + j]!))],
    });
    const record: InferenceRecord = { model: resolve(model), modelTime: mtime(join(model, POSTERIOR_JSON)), observation, samples: n, posterior: summary };
    writeFileAtomic(inferencePath(run), JSON.stringify(record, null, 1) + '\n');
    return { samples, record };
  } finally {
    await posterior.release();
  }
}

function readSamples(run: RunDir, names: string[]): Float64Array {
  const t = readArrow(samplesPath(run));
  const cols = names.map((n) => column(t, n) as Float64Array);
  const n = cols[0]!.length;
  const out = new Float64Array(n * names.length);
  cols.forEach((c, j) => c.forEach((v, i) => (out[i * names.length + j] = v)));
  return out;
}
