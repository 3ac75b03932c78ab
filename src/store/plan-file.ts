import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import type { Chunk } from '../jobs/backend.js';
import { writeFileAtomic } from './atomic.js';
import { InputError } from '../errors.js';
import { RunDir } from './run-dir.js';

/** plan.json: which samples each chunk simulates, and the hpcinv version that made the run. */
export interface PlanFile {
  /** hpcinv version that wrote the plan; tasks refuse a run of an incompatible version. */
  version: string;
  nSamples: number;
  chunkSize: number;
  /** How the chunk size was chosen, for the user's information. */
  sizing: { targetTaskSeconds: number; secondsPerSimulation: number | null; source: 'timing' | 'estimate' | 'fixed' };
  chunks: Chunk[];
  created: string;
}

const chunkSchema = z.object({ id: z.number().int().nonnegative(), start: z.number().int().nonnegative(), end: z.number().int().positive() });
const planSchema = z.object({
  version: z.string(),
  nSamples: z.number().int().positive(),
  chunkSize: z.number().int().positive(),
  sizing: z.object({
    targetTaskSeconds: z.number(),
    secondsPerSimulation: z.number().nullable(),
    source: z.enum(['timing', 'estimate', 'fixed']),
  }),
  chunks: z.array(chunkSchema).min(1),
  created: z.string(),
});

export function writePlan(run: RunDir, plan: PlanFile): void {
  writeFileAtomic(run.plan, JSON.stringify(plan, null, 2) + '\n');
}

export function hasPlan(run: RunDir): boolean {
  return existsSync(run.plan);
}

export function readPlan(run: RunDir): PlanFile {
  if (!existsSync(run.plan)) {
    throw new InputError(`${run.root} has no plan.json — fix: run \`hpcinv submit ${run.root}\` (it plans the chunks first)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(run.plan, 'utf8'));
  } catch (err) {
    throw new InputError(`${run.plan} is not valid JSON (${(err as Error).message}) — fix: delete it and rerun \`hpcinv submit\``);
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`${run.plan} is malformed (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}) — fix: delete it and rerun \`hpcinv submit\``);
  }
  return parsed.data;
}
