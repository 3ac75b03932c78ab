/**
 * The experiment's optional `observation` section: what `hpcinv run` infers for.
 *
 *   observation: { truth: { coupling.a: 0.8 }, seed: 43 }   synthetic: simulate this ground truth (other
 *                                                            varied parameters drawn from the prior)
 *   observation: { files: [data/sub-01_bold.csv, ...] }      empirical BOLD, one file per subject
 *
 * `truth` and `files` exclude each other; without the section the observation is synthetic with every
 * parameter drawn. `seed` seeds the ground-truth draw and noise (synthetic) or the posterior draws
 * (empirical; subject k uses seed + k, as `hpcinv infer --seed`). File paths are relative to the
 * experiment file. The section is not part of the frozen experiment: it names the data a run infers
 * for, not the sweep, so changing it re-infers without re-simulating.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { isBoldFile, notBoldFile } from '../observed/read.js';
import { strict } from '../schema/strict.js';
import { experimentError } from './errors.js';

const boldFile = z
  .string({ error: 'each observation file must be a path (string) — fix: e.g. files: [data/sub-01_bold.csv]' })
  .min(1, { error: 'an observation file path is empty — fix: give the BOLD file of a subject, e.g. data/sub-01_bold.csv' })
  .refine(isBoldFile, { error: (issue) => `${notBoldFile(String(issue.input))}; features files go to \`hpcinv infer --observed\`` });

export const observationSchema = strict({
  /** Ground truth per varied parameter path (synthetic observation). */
  truth: z.record(z.string(), z.number({ error: 'a ground-truth value must be a number — fix: e.g. truth: { coupling.a: 0.8 }' }), {
    error: 'observation.truth must be a mapping of parameter path to value — fix: e.g. truth: { coupling.a: 0.8 }',
  }).optional(),
  /** Empirical BOLD, one file per subject, relative to the experiment file. */
  files: z
    .array(boldFile, { error: 'observation.files must be a list of BOLD files — fix: e.g. files: [data/sub-01_bold.csv, data/sub-02_bold.csv]' })
    .min(1, { error: 'observation.files is empty — fix: list at least one BOLD file, or remove files for a synthetic observation' })
    .optional(),
  seed: z
    .number({ error: 'seed must be a whole number — fix: e.g. seed: 43' })
    .int({ error: 'seed must be a whole number — fix: e.g. seed: 43' })
    .min(0, { error: 'seed must be ≥ 0 — fix: e.g. seed: 43' })
    .max(2 ** 32 - 1, { error: 'seed must be < 2^32 — fix: use a smaller seed' })
    .optional(),
}).refine((o) => o.truth === undefined || o.files === undefined, {
  error: 'observation has both truth (a synthetic observation) and files (empirical BOLD) — fix: keep one; for both, make two experiment files or override with `hpcinv run --truth` / `--observed`',
});

export type ObservationSection = z.infer<typeof observationSchema>;

/**
 * The observation's BOLD files as absolute paths, relative ones resolved against the experiment file's
 * folder; every missing one is reported at once with its field path.
 */
export function observationFiles(files: string[], experimentPath: string): string[] {
  const base = dirname(resolve(experimentPath));
  const resolved = files.map((f) => resolve(base, f));
  const issues = resolved.flatMap((abs, i) =>
    existsSync(abs) && statSync(abs).isFile()
      ? []
      : [
          {
            code: 'custom',
            path: ['observation', 'files', i],
            message: `${files[i]} is not a file (looked for ${abs}) — fix: correct the path; relative paths are relative to the experiment file's folder`,
            input: files[i],
          } as z.core.$ZodIssue,
        ],
  );
  if (issues.length) throw experimentError(experimentPath, issues);
  return resolved;
}
