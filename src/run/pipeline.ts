/**
 * `hpcinv run`: sample → simulate (submit) → gather → train → observation → infer → report, each stage
 * skipped when its output in the run directory exists and is still valid, so an interrupted run resumes
 * where it stopped and a finished one only re-prints its summary. The stages call the same functions as
 * the single commands (`sample`, `submit`, `gather`, `train`), so a run made step by step and one made by
 * `hpcinv run` are the same directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRun } from '../experiment/create-run.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import { HpcinvError } from '../errors.js';
import { modelDir, trainRun, type TrainCommandOptions } from '../inference/run-commands.js';
import { loadPosterior, POSTERIOR_JSON } from '../inference/model-files.js';
import { loadTrainingData } from '../inference/dataset.js';
import { submitRun } from '../jobs/sweep.js';
import { priorFromSpec, type ParameterSpec } from '../prior/index.js';
import { column, readArrow, writeArrow } from '../store/arrow.js';
import { writeFileAtomic } from '../store/atomic.js';
import { checkChunk } from '../store/done-marker.js';
import { gather } from '../store/gather.js';
import { hasPlan, readPlan } from '../store/plan-file.js';
import { RunDir } from '../store/run-dir.js';
import { makeObservation, type Observation, type ObservationSettings } from './observation.js';
import { summarisePosterior, type ParameterPosterior } from './posterior-summary.js';
import { renderRunReport } from './run-report.js';

export interface RunOptions extends ObservationSettings {
  experiment: string;
  run: string;
  backend?: string;
  concurrency?: number;
  chunkSize?: number;
  /** Posterior samples for the observation (default 10,000). */
  posteriorSamples?: number;
  train?: Omit<TrainCommandOptions, 'out'>;
  /** No progress output from the sweep. */
  quiet?: boolean;
  log?: (line: string) => void;
}

export type StageName = 'sample' | 'simulate' | 'gather' | 'train' | 'observe' | 'infer' | 'report';

export interface RunResult {
  run: string;
  report: string;
  /** What each stage did: `done` now, or `skipped` (its output was already there and valid). */
  stages: Record<StageName, 'done' | 'skipped'>;
  simulations: number;
  observation: Observation;
  posterior: ParameterPosterior[];
  samplesFile: string;
  seconds: Partial<Record<StageName, number>> & { total: number };
}

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

// Not posterior.json: a directory holding that file is taken for a model directory (modelDir).
const inferencePath = (run: RunDir) => join(run.root, 'posterior-summary.json');
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

  const created = await timed('sample', () => createRun(opts.experiment, opts.run));
  stages.sample = created.created ? 'done' : 'skipped';
  log(`${created.created ? 'sampled' : 'resuming'} ${created.run}: ${created.samples} simulations of ${created.parameters.join(', ')}`);
  const run = new RunDir(created.run);

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

  const exp = loadFrozenExperiment(run);
  const obs = await timed('observe', () => makeObservation(run, exp, opts));
  stages.observe = obs.reused ? 'skipped' : 'done';
  const observation = obs.observation;
  if (!obs.reused) log(`simulated the observation at ${Object.entries(observation.theta).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(', ')}`);

  const nSamples = opts.posteriorSamples ?? 10_000;
  let inference = readInference(run, observation, nSamples);
  let samples: Float64Array;
  const model = modelDir(run.root);
  if (inference) {
    stages.infer = 'skipped';
    samples = readSamples(run, inference.posterior.map((p) => p.parameter));
  } else {
    const r = await timed('infer', () => infer(run, model, observation, nSamples));
    samples = r.samples;
    inference = r.record;
    stages.infer = 'done';
  }

  const reportPath = join(run.root, 'report', 'index.html');
  if (stages.infer === 'skipped' && existsSync(reportPath) && mtime(reportPath) >= mtime(inferencePath(run))) stages.report = 'skipped';
  else {
    await timed('report', () => writeReport(run, reportPath, exp.parameters as ParameterSpec[], observation, inference!.posterior, samples, seconds));
    stages.report = 'done';
  }
  seconds.total = (performance.now() - t0) / 1000;
  return { run: run.root, report: reportPath, stages, simulations: created.samples, observation, posterior: inference.posterior, samplesFile: samplesPath(run), seconds };
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

async function writeReport(run: RunDir, path: string, parameters: ParameterSpec[], observation: Observation, summary: ParameterPosterior[], samples: Float64Array, seconds: RunResult['seconds']): Promise<void> {
  const data = loadTrainingData(run);
  const k = data.featureNames.length;
  const trainingRange: Record<string, [number, number]> = {};
  data.featureNames.forEach((f, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.rows; i++) {
      const v = data.x[i * k + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    trainingRange[f] = [lo, hi];
  });
  const facts: Record<string, string | number> = {
    'run directory': run.root,
    'training simulations (ok / total)': `${data.rows} / ${data.rows + data.notOk}`,
    'ground truth': Object.entries(observation.theta).map(([p, v]) => `${p} = ${v.toPrecision(6)}${observation.drawn.includes(p) ? ' (drawn from the prior)' : ' (given)'}`).join(', '),
    'observation seed (θ* draw / noise)': `${observation.seed} / ${observation.noiseSeed}`,
  };
  for (const [stage, s] of Object.entries(seconds)) if (stage !== 'total' && s !== undefined) facts[`${stage} wall time (s), this invocation`] = Number(s.toFixed(1));
  const html = await renderRunReport({
    title: `hpcinv run — ${summary.map((s) => s.parameter).join(', ')}`,
    summary,
    samples,
    prior: priorFromSpec(parameters).bounds(),
    observed: observation.features,
    trainingRange,
    facts,
  });
  writeFileAtomic(path, html);
}
