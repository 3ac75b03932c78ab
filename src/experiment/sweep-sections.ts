import { z } from 'zod';

/**
 * The experiment sections owned by the sweep: how many simulations and how θ is chosen (`simulations`),
 * how they are cut into tasks (`sweep`) and where tasks run (`backend`). Composed with the simulation,
 * parameters and features sections in `schema.ts`. Messages name the problem and the fix; zod adds the path.
 */
const positiveInt = (field: string, example: number) =>
  z
    .number({ error: `${field} must be a whole number — fix: e.g. ${field}: ${example}` })
    .int({ error: `${field} must be a whole number — fix: e.g. ${field}: ${example}` })
    .min(1, { error: `${field} must be at least 1 — fix: e.g. ${field}: ${example}` });

export const simulationsSchema = z.strictObject(
  {
    /** `prior`: `count` random draws from the prior (for inference); `grid`: every point of the parameters' grids. */
    design: z.enum(['prior', 'grid'], { error: 'design must be prior or grid — fix: prior for inference, grid for a parameter-space scan' }).default('prior'),
    count: positiveInt('count', 1000).max(10_000_000, { error: 'count must be at most 10,000,000 — fix: split the study into several runs' }).optional(),
    /** Seeds the θ draws and, with the sample index, every simulation's noise (independent of chunking). */
    seed: z
      .number({ error: 'seed must be a whole number — fix: e.g. seed: 42' })
      .int({ error: 'seed must be a whole number — fix: e.g. seed: 42' })
      .min(0, { error: 'seed must be ≥ 0 — fix: e.g. seed: 42' })
      .max(2 ** 32 - 1, { error: 'seed must be < 2^32 — fix: use a smaller seed' }),
  },
  { error: 'simulations must be a mapping such as { count: 1000, seed: 42 }' },
);

export const sweepSchema = z
  .strictObject(
    {
      /** A task (chunk) should take about this long; the chunk size follows from a quick timing. */
      targetTaskMinutes: z
        .number({ error: 'targetTaskMinutes must be a number — fix: e.g. targetTaskMinutes: 10' })
        .gt(0, { error: 'targetTaskMinutes must be > 0 — fix: e.g. targetTaskMinutes: 10' })
        .default(10),
      /** A fixed number of simulations per chunk instead of the timing-based size. */
      chunkSize: positiveInt('chunkSize', 50).optional(),
      /**
       * Simulations integrated together in one simulator call inside a task. 1: the wasm kernel is fastest
       * one simulation at a time (its delay history stays in cache; docs/benchmarks.md).
       */
      batchSize: positiveInt('batchSize', 1).max(1024, { error: 'batchSize must be at most 1024 — fix: e.g. batchSize: 1' }).default(1),
      /** Attempts per chunk before the sweep gives up on it (`hpcinv retry` grants more). */
      maxAttempts: positiveInt('maxAttempts', 3).max(100, { error: 'maxAttempts must be at most 100 — fix: e.g. maxAttempts: 3' }).default(3),
    },
    { error: 'sweep must be a mapping such as { targetTaskMinutes: 10, maxAttempts: 3 }' },
  )
  .default({ targetTaskMinutes: 10, batchSize: 1, maxAttempts: 3 });

/** `name` picks the backend; other keys belong to that backend (site profile, account, URL, ...). */
export const backendSchema = z
  .looseObject(
    {
      name: z.string({ error: 'backend.name must be a string — fix: local, slurm or unicore' }).min(1).default('local'),
      concurrency: positiveInt('concurrency', 2).optional(),
    },
    { error: 'backend must be a mapping such as { name: local }' },
  )
  .default({ name: 'local' });

export type SimulationsSection = z.infer<typeof simulationsSchema>;
export type SweepSection = z.infer<typeof sweepSchema>;
export type BackendSection = z.infer<typeof backendSchema>;
