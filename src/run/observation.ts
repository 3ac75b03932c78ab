/**
 * The synthetic observation of `hpcinv run`: a ground truth θ* (given, or drawn from the prior with its
 * own seed), simulated once by the same engine as the sweep's tasks and turned into features the same
 * way, so the posterior can be checked against a known answer. Stored as `<run>/observation.json`, and
 * its features alone as `<run>/observation-features.json` (the input `hpcinv infer --observed` takes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HpcinvError, InputError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { priorFromSpec, type ParameterSpec } from '../prior/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { RunDir } from '../store/run-dir.js';
import { createEngine } from '../task/engine.js';
import { sampleSeed } from '../task/seeds.js';

export interface ObservationSettings {
  /** θ* per parameter path; parameters not given are drawn from the prior. */
  truth?: Record<string, number>;
  /** Seed of the θ* draw and of the observation's noise (default: simulations.seed + 1). */
  seed?: number;
}

export interface Observation {
  theta: Record<string, number>;
  /** Which parameters were drawn from the prior (the rest were given). */
  drawn: string[];
  seed: number;
  noiseSeed: number;
  features: Record<string, number>;
}

/**
 * The observation's noise stream: sample index 2^32 − 1 of the observation seed, an index no sweep sample
 * can have (simulations.count ≤ 10^7), so θ* is never simulated with a training simulation's noise.
 */
const OBSERVATION_INDEX = 0xffffffff;

export function observationPath(run: RunDir): string {
  return join(run.root, 'observation.json');
}

/** The synthetic observation's features alone, in the form `hpcinv infer --observed` reads. */
export function observationFeaturesPath(run: RunDir): string {
  return join(run.root, 'observation-features.json');
}

export function drawTruth(parameters: ParameterSpec[], settings: ObservationSettings, seed: number): { theta: Record<string, number>; drawn: string[] } {
  const names = parameters.map((p) => p.path);
  const unknown = Object.keys(settings.truth ?? {}).filter((k) => !names.includes(k));
  if (unknown.length) throw new InputError(`the ground truth (--truth or observation.truth) names ${unknown.join(', ')}, which the experiment does not vary (it varies ${names.join(', ')}) — fix: give path=value for the experiment's parameters`);
  const prior = priorFromSpec(parameters);
  const draw = prior.sample(1, seed);
  const theta: Record<string, number> = {};
  const drawn: string[] = [];
  names.forEach((name, j) => {
    const given = settings.truth?.[name];
    if (given === undefined) {
      theta[name] = draw.values[j]!;
      drawn.push(name);
    } else theta[name] = given;
  });
  const row = Float64Array.from(names, (n) => theta[n]!);
  if (!prior.inSupportRow(row)) {
    throw new InputError(`the ground truth ${names.map((n) => `${n}=${theta[n]}`).join(', ')} lies outside the prior — fix: give ground-truth values (--truth or observation.truth) inside the prior's range`);
  }
  return { theta, drawn };
}

/** The stored observation if it matches the run and the settings, else undefined. */
export function readObservation(run: RunDir, parameters: string[], settings: ObservationSettings, seed: number): Observation | undefined {
  const path = observationPath(run);
  if (!existsSync(path)) return undefined;
  let obs: Observation;
  try {
    obs = JSON.parse(readFileSync(path, 'utf8')) as Observation;
  } catch {
    return undefined;
  }
  if (obs.seed !== seed || parameters.some((p) => typeof obs.theta?.[p] !== 'number')) return undefined;
  for (const [k, v] of Object.entries(settings.truth ?? {})) if (obs.theta[k] !== v) return undefined;
  if (Object.values(obs.features ?? {}).some((v) => typeof v !== 'number' || !Number.isFinite(v))) return undefined;
  if (!existsSync(observationFeaturesPath(run))) return undefined;
  return obs;
}

export async function makeObservation(run: RunDir, exp: Experiment, settings: ObservationSettings): Promise<{ observation: Observation; reused: boolean }> {
  const parameters = exp.parameters as ParameterSpec[];
  const names = parameters.map((p) => p.path);
  const seed = settings.seed ?? exp.simulations.seed + 1;
  const existing = readObservation(run, names, settings, seed);
  if (existing) return { observation: existing, reused: true };
  const { theta, drawn } = drawTruth(parameters, settings, seed);
  const noiseSeed = sampleSeed(seed, OBSERVATION_INDEX);
  const engine = await createEngine(exp, names, { experimentFile: run.experiment });
  const out = engine.run(Float64Array.from(names, (n) => theta[n]!), [noiseSeed]);
  if (out.status[0] !== 'ok') {
    throw new HpcinvError(
      `the synthetic observation at ${names.map((n) => `${n}=${theta[n]}`).join(', ')} ${out.status[0] === 'diverged' ? 'diverged' : 'gave non-finite features'} — fix: pick another ground truth (--truth) or seed (--observation-seed), or narrow the prior away from divergence`,
      1,
    );
  }
  const features = Object.fromEntries(out.names.map((n, j) => [n, out.features[j]!]));
  const observation: Observation = { theta, drawn, seed, noiseSeed, features };
  // The features alone, in the form `hpcinv infer --observed` reads; written first, the record last.
  writeFileAtomic(observationFeaturesPath(run), JSON.stringify(features, null, 1) + '\n');
  writeFileAtomic(observationPath(run), JSON.stringify(observation, null, 1) + '\n');
  return { observation, reused: false };
}
