/**
 * `hpcinv infer --observed FILE...` on empirical BOLD: every file is one subject. Its features are
 * computed exactly as the run's tasks compute them (the frozen experiment's `features` section, region
 * pairing from the connectome labels), then the trained posterior is sampled once per subject. The
 * samples of all subjects go to one Arrow file with a `subject` column; the result has one row per subject.
 */
import { basename, join } from 'node:path';
import { HpcinvError } from '../errors.js';
import { loadFrozenExperiment } from '../experiment/load.js';
import type { Experiment } from '../experiment/schema.js';
import { connectomeOf } from '../experiment/simulation.js';
import { pairingFromLabels } from '../features/pairing.js';
import { computeFeatures } from '../features/registry.js';
import { loadPosterior, type PosteriorFile } from '../inference/model-files.js';
import type { Posterior } from '../inference/posterior.js';
import { modelDir } from '../inference/run-commands.js';
import { summarisePosterior, type ParameterPosterior } from '../run/posterior-summary.js';
import { writeArrow, type Column } from '../store/arrow.js';
import { RunDir } from '../store/run-dir.js';
import { sourcePeriodMs } from '../task/features.js';
import { readBold } from './read.js';
import { checkFeaturesFinite, toTimeSeries } from './bold-matrix.js';

/** One subject's empirical BOLD and the features computed from it. */
export interface SubjectFeatures {
  subject: string;
  file: string;
  timeSamples: number;
  /** Every feature of the experiment's `features` section, by name. */
  features: Record<string, number>;
}

export interface SubjectResult extends SubjectFeatures {
  posterior: ParameterPosterior[];
}

/** The run directory a model belongs to: the path itself, or the run recorded when it was trained. */
function runOf(path: string, model: string, provenanceRun: unknown): RunDir {
  const asRun = new RunDir(path);
  if (asRun.exists()) return asRun;
  if (typeof provenanceRun === 'string' && new RunDir(provenanceRun).exists()) return new RunDir(provenanceRun);
  throw new HpcinvError(`cannot find the run directory of the model ${model} (its experiment defines how features are computed) — fix: pass the run directory instead of the model directory`, 2);
}

/** Subject names from file names, made unique (`a/sub-01.csv`, `b/sub-01.csv` → `sub-01`, `sub-01#2`). */
function subjectNames(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = basename(f).replace(/\.[^.]+$/, '');
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}#${k}`;
  });
}

/** Reads every subject's BOLD (checked against the run's connectome) and computes the run's features. */
export function subjectFeatures(run: RunDir, exp: Experiment, files: string[]): SubjectFeatures[] {
  const connectome = connectomeOf(exp, run.experiment);
  const context = exp.features.regionPairing === 'connectome' ? { pairing: pairingFromLabels(connectome.labels) } : {};
  const period = sourcePeriodMs(exp);
  const names = subjectNames(files);
  return files.map((file, s) => {
    const bold = readBold(file, connectome.labels);
    const computed = computeFeatures(toTimeSeries(bold, period), exp.features, context);
    checkFeaturesFinite(bold, connectome.labels, computed.names, computed.values);
    return { subject: names[s]!, file, timeSamples: bold.nTime, features: Object.fromEntries(computed.names.map((n, j) => [n, computed.values[j]!])) };
  });
}

/**
 * Samples the posterior once per subject, subject k with seed + k; each result keeps the features the
 * posterior reads. Returns the summaries and the samples (row-major n × parameters per subject).
 */
export async function sampleSubjects(posterior: Posterior, meta: PosteriorFile, subjects: SubjectFeatures[], n: number, seed: number): Promise<{ results: SubjectResult[]; samples: Float64Array[] }> {
  const results: SubjectResult[] = [];
  const all: Float64Array[] = [];
  for (const [k, s] of subjects.entries()) {
    const x = Float64Array.from(meta.featureNames, (name) => {
      const v = s.features[name];
      if (v === undefined) throw new HpcinvError(`the features computed from ${s.file} lack ${name}, which the posterior was trained on — fix: retrain after changing the experiment's features`, 1);
      return v;
    });
    const { samples } = await posterior.sample(n, x, { seed: seed + k });
    all.push(samples);
    results.push({ ...s, features: Object.fromEntries(meta.featureNames.map((f, j) => [f, x[j]!])), posterior: summarisePosterior(samples, meta.thetaNames) });
  }
  return { results, samples: all };
}

/** All subjects' samples in one Arrow file: `subject, draw, <parameters>`. */
export function writeSubjectSamples(path: string, subjects: string[], thetaNames: string[], samples: Float64Array[], n: number): void {
  const d = thetaNames.length;
  const rows = n * subjects.length;
  const columns: Column[] = [
    subjects.flatMap((nm) => new Array<string>(n).fill(nm)),
    Int32Array.from({ length: rows }, (_, i) => i % n),
    ...thetaNames.map((_, j) => Float64Array.from({ length: rows }, (_, i) => samples[Math.floor(i / n)]![(i % n) * d + j]!)),
  ];
  writeArrow(path, { names: ['subject', 'draw', ...thetaNames], columns });
}

export async function inferSubjects(path: string, files: string[], opts: { samples: number; seed: number; out?: string }) {
  const dir = modelDir(path);
  const { posterior, file } = await loadPosterior(dir);
  try {
    const run = runOf(path, dir, file.provenance?.run);
    const subjects = subjectFeatures(run, loadFrozenExperiment(run), files);
    const { results, samples } = await sampleSubjects(posterior, file, subjects, opts.samples, opts.seed);
    const samplesFile = opts.out ?? join(dir, '..', 'posterior_samples_observed.arrow');
    writeSubjectSamples(samplesFile, results.map((r) => r.subject), file.thetaNames, samples, opts.samples);
    return { model: dir, samplesFile, samples: opts.samples, subjects: results };
  } finally {
    await posterior.release();
  }
}
