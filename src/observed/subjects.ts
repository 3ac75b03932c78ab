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
import { loadPosterior } from '../inference/model-files.js';
import { modelDir } from '../inference/run-commands.js';
import { summarisePosterior, type ParameterPosterior } from '../run/posterior-summary.js';
import { writeArrow, type Column } from '../store/arrow.js';
import { RunDir } from '../store/run-dir.js';
import { readBold } from './read.js';
import { toTimeSeries } from './bold-matrix.js';

export interface SubjectResult {
  subject: string;
  file: string;
  timeSamples: number;
  features: Record<string, number>;
  posterior: ParameterPosterior[];
}

/** The sampling period of the series the features read, in ms (only a transient given in ms needs it). */
export function sourcePeriodMs(exp: Experiment): number {
  const m = exp.monitors;
  switch (exp.features.source.monitor) {
    case 'balloon':
      return m.balloon!.trMs;
    case 'bold':
      return m.bold!.periodMs;
    case 'tavg':
      return m.tavg!.period * exp.timeUnitMs;
    default:
      return exp.integrator.dt * (m.raw?.every ?? 1) * exp.timeUnitMs;
  }
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

export async function inferSubjects(path: string, files: string[], opts: { samples: number; seed: number; out?: string }) {
  const dir = modelDir(path);
  const { posterior, file } = await loadPosterior(dir);
  try {
    const run = runOf(path, dir, file.provenance?.run);
    const exp = loadFrozenExperiment(run);
    const connectome = connectomeOf(exp, run.experiment);
    const context = exp.features.regionPairing === 'connectome' ? { pairing: pairingFromLabels(connectome.labels) } : {};
    const period = sourcePeriodMs(exp);
    const names = subjectNames(files);
    const d = file.thetaNames.length;
    const results: SubjectResult[] = [];
    const all: Float64Array[] = [];
    for (const [s, f] of files.entries()) {
      const bold = readBold(f, connectome.labels);
      const computed = computeFeatures(toTimeSeries(bold, period), exp.features, context);
      const x = Float64Array.from(file.featureNames, (name) => {
        const j = computed.names.indexOf(name);
        if (j < 0) throw new HpcinvError(`the features computed from ${f} lack ${name}, which the posterior was trained on — fix: retrain after changing the experiment's features`, 1);
        return computed.values[j]!;
      });
      const { samples } = await posterior.sample(opts.samples, x, { seed: opts.seed + s });
      all.push(samples);
      results.push({
        subject: names[s]!,
        file: f,
        timeSamples: bold.nTime,
        features: Object.fromEntries(file.featureNames.map((n, j) => [n, x[j]!])),
        posterior: summarisePosterior(samples, file.thetaNames),
      });
    }
    const n = opts.samples;
    const rows = n * files.length;
    const columns: Column[] = [
      names.flatMap((nm) => new Array<string>(n).fill(nm)),
      Int32Array.from({ length: rows }, (_, i) => i % n),
      ...file.thetaNames.map((_, j) => Float64Array.from({ length: rows }, (_, i) => all[Math.floor(i / n)]![(i % n) * d + j]!)),
    ];
    const samplesFile = opts.out ?? join(dir, '..', 'posterior_samples_observed.arrow');
    writeArrow(samplesFile, { names: ['subject', 'draw', ...file.thetaNames], columns });
    return { model: dir, samplesFile, samples: n, subjects: results };
  } finally {
    await posterior.release();
  }
}
