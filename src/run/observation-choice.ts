/**
 * Which observation `hpcinv run` infers for: the experiment's `observation` section with the command
 * line on top. `--observed FILE...` replaces the files; `--truth path=value` sets ground truths path by
 * path over the file's and makes the observation synthetic; `--observation-seed` replaces the seed.
 * Decided before anything is written, so a missing data file fails the run at once.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { observationFiles } from '../experiment/observation.js';
import type { Experiment } from '../experiment/schema.js';
import { isBoldFile, notBoldFile } from '../observed/read.js';

export interface ObservationFlags {
  /** --truth path=value, by path. */
  truth?: Record<string, number>;
  /** --observation-seed. */
  seed?: number;
  /** --observed FILE... (relative to the working directory). */
  observed?: string[];
}

export type ObservationChoice =
  /** Simulate θ* (`truth` given, the other varied parameters drawn with `seed`). */
  | { kind: 'synthetic'; truth: Record<string, number>; seed: number }
  /** Empirical BOLD, one absolute path per subject; `seed` + k seeds subject k's posterior draws. */
  | { kind: 'files'; files: string[]; seed: number };

function checkedFlagFiles(files: string[]): string[] {
  return files.map((f) => {
    const abs = resolve(f);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new InputError(`--observed ${f} is not a file — fix: check the path (relative to the current directory)`);
    if (!isBoldFile(f)) throw new InputError(notBoldFile(`--observed ${f}`));
    return abs;
  });
}

export function chooseObservation(exp: Experiment, experimentPath: string, flags: ObservationFlags): ObservationChoice {
  const section = exp.observation ?? {};
  const cliTruth = flags.truth ?? {};
  const seed = flags.seed ?? section.seed ?? exp.simulations.seed + 1;
  if (flags.observed?.length && Object.keys(cliTruth).length) {
    throw new InputError('--observed (empirical BOLD) and --truth (a synthetic observation) exclude each other — fix: give one of them');
  }
  if (flags.observed?.length) return { kind: 'files', files: checkedFlagFiles(flags.observed), seed };
  if (section.files && !Object.keys(cliTruth).length) return { kind: 'files', files: observationFiles(section.files, experimentPath), seed };
  return { kind: 'synthetic', truth: { ...(section.truth ?? {}), ...cliTruth }, seed };
}
