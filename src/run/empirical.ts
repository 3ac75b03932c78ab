/**
 * `hpcinv run` on empirical BOLD (`observation.files` or `--observed`): the subjects' features are
 * computed right after sampling — so a file with the wrong regions fails before the sweep — and stored
 * in `<run>/observation.json`; after training the posterior is sampled once per subject into
 * `<run>/posterior_samples_observed.arrow` (the file and columns `hpcinv infer --observed` writes), with
 * one summary per subject in `<run>/posterior-summary.json`. There is no ground truth, so nothing is
 * checked for coverage. Each step is skipped when its record matches the files (by content), the model,
 * the sample count and the seed.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Experiment } from '../experiment/schema.js';
import { loadPosterior, POSTERIOR_JSON } from '../inference/model-files.js';
import { sampleSubjects, subjectFeatures, writeSubjectSamples, type SubjectFeatures, type SubjectResult } from '../observed/subjects.js';
import { column, readArrow } from '../store/arrow.js';
import { writeFileAtomic } from '../store/atomic.js';
import { sha256 as sha256Bytes } from '../store/done-marker.js';
import type { RunDir } from '../store/run-dir.js';
import { observationFeaturesPath, observationPath } from './observation.js';

export interface EmpiricalObservation {
  kind: 'files';
  /** Subject k's posterior draws use seed + k. */
  seed: number;
  subjects: (SubjectFeatures & { sha256: string })[];
}

export interface EmpiricalInference {
  kind: 'files';
  modelTime: number;
  samples: number;
  observation: EmpiricalObservation;
  subjects: SubjectResult[];
  /** Of posterior_samples_observed.arrow, which `hpcinv infer --observed` also writes by default. */
  samplesSha256: string;
}

export const subjectSamplesPath = (run: RunDir) => join(run.root, 'posterior_samples_observed.arrow');
/** The inference record, synthetic or per subject. Not posterior.json: a directory holding that file is taken for a model directory (modelDir). */
export const inferencePath = (run: RunDir) => join(run.root, 'posterior-summary.json');
const modelTime = (model: string) => statSync(join(model, POSTERIOR_JSON)).mtimeMs;

const sha256 = (file: string) => sha256Bytes(readFileSync(file));

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The subjects' features, reused from observation.json when it holds the same files with the same content. */
export function observeSubjects(run: RunDir, exp: Experiment, files: string[], seed: number): { observation: EmpiricalObservation; reused: boolean } {
  const hashes = files.map(sha256);
  const stored = readJson<EmpiricalObservation>(observationPath(run));
  const same =
    stored?.kind === 'files' &&
    stored.seed === seed &&
    stored.subjects.length === files.length &&
    stored.subjects.every((s, k) => s.file === files[k] && s.sha256 === hashes[k] && Object.values(s.features).every(Number.isFinite));
  if (same) return { observation: stored, reused: true };
  const observation: EmpiricalObservation = { kind: 'files', seed, subjects: subjectFeatures(run, exp, files).map((s, k) => ({ ...s, sha256: hashes[k]! })) };
  // The synthetic observation's features file would describe an observation this run no longer infers for.
  rmSync(observationFeaturesPath(run), { force: true });
  writeFileAtomic(observationPath(run), JSON.stringify(observation, null, 1) + '\n');
  return { observation, reused: false };
}

/** Per-subject samples from the stored Arrow file, in the subjects' order (row-major n × parameters each). */
function readSubjectSamples(run: RunDir, subjects: string[], thetaNames: string[]): Float64Array[] {
  const t = readArrow(subjectSamplesPath(run));
  const who = column(t, 'subject') as string[];
  const cols = thetaNames.map((p) => column(t, p) as Float64Array);
  const d = thetaNames.length;
  const rowsOf = new Map<string, number[]>();
  who.forEach((w, i) => (rowsOf.get(w) ?? rowsOf.set(w, []).get(w)!).push(i));
  return subjects.map((name) => {
    const rows = rowsOf.get(name) ?? [];
    const out = new Float64Array(rows.length * d);
    rows.forEach((i, r) => cols.forEach((c, j) => (out[r * d + j] = c[i]!)));
    return out;
  });
}

/**
 * The posterior sampled once per subject with the run's model, or the stored result when it was made
 * from this model, this observation and as many samples.
 */
export async function inferForSubjects(run: RunDir, model: string, observation: EmpiricalObservation, n: number): Promise<{ record: EmpiricalInference; samples: Float64Array[]; reused: boolean }> {
  const stored = readJson<EmpiricalInference>(inferencePath(run));
  if (
    stored?.kind === 'files' &&
    existsSync(subjectSamplesPath(run)) &&
    stored.samplesSha256 === sha256(subjectSamplesPath(run)) &&
    stored.modelTime === modelTime(model) &&
    stored.samples === n &&
    JSON.stringify(stored.observation) === JSON.stringify(observation)
  ) {
    const names = stored.subjects.map((s) => s.subject);
    return { record: stored, samples: readSubjectSamples(run, names, stored.subjects[0]!.posterior.map((p) => p.parameter)), reused: true };
  }
  const { posterior, file } = await loadPosterior(model);
  try {
    const subjects = observation.subjects.map(({ sha256: _hash, ...s }) => s);
    const { results, samples } = await sampleSubjects(posterior, file, subjects, n, observation.seed);
    writeSubjectSamples(subjectSamplesPath(run), results.map((r) => r.subject), file.thetaNames, samples, n);
    const record: EmpiricalInference = { kind: 'files', modelTime: modelTime(model), samples: n, observation, subjects: results, samplesSha256: sha256(subjectSamplesPath(run)) };
    writeFileAtomic(inferencePath(run), JSON.stringify(record, null, 1) + '\n');
    return { record, samples, reused: false };
  } finally {
    await posterior.release();
  }
}
