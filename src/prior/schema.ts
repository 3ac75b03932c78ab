/**
 * zod schema of the experiment's `parameters` section: a list of `{ path, prior?, grid? }`.
 * `prior` is what simulation-based inference samples from; `grid` is a per-parameter grid for
 * parameter-space exploration. The experiment schema composes `parametersSchema`; every message names the
 * field problem and the fix, and zod supplies the field path.
 */
import { z } from 'zod';
import { strict } from '../schema/strict.js';

const KINDS = 'uniform, normal, lognormal, truncnormal';
const GRID_KINDS = 'linspace, logspace, values';

function finite(field: string) {
  return z.number({ error: `${field} must be a finite number — fix: write a plain number such as 0.5` });
}

function positive(field: string) {
  return finite(field).gt(0, { error: `${field} must be > 0 — fix: give a positive ${field}` });
}

/** A parameter path: dotted identifiers with an optional trailing node index, e.g. `coupling.a`, `model.eta[12]`. */
export const PARAMETER_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+(\[\d+\])?$/;

export const parameterPathSchema = z.string({ error: 'path must be a string such as "coupling.a"' }).regex(PARAMETER_PATH, {
  error: 'path must look like "coupling.a", "model.eta" or "model.eta[12]" — fix: name the component and its parameter, with an optional [node] index',
});

const uniformSchema = strict({ kind: z.literal('uniform'), low: finite('low'), high: finite('high') })
  .refine((p) => p.low < p.high, {
    error: 'high must be greater than low — fix: swap low and high or widen the range',
    path: ['high'],
  });

const normalSchema = strict({ kind: z.literal('normal'), mu: finite('mu'), sigma: positive('sigma') });

const lognormalSchema = strict({
  kind: z.literal('lognormal'),
  /** Mean of log X. */
  mu: finite('mu'),
  /** Standard deviation of log X. */
  sigma: positive('sigma'),
});

/** Truncation bounds beyond this many sigmas from mu leave too little mass to sample in double precision. */
export const TRUNCATION_LIMIT_SIGMAS = 35;

const truncnormalSchema = strict({
    kind: z.literal('truncnormal'),
    mu: finite('mu'),
    sigma: positive('sigma'),
    low: finite('low').optional(),
    high: finite('high').optional(),
  })
  .superRefine((p, ctx) => {
    if (p.low === undefined && p.high === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a truncated normal needs low, high or both — fix: add the bound(s), or use kind: normal',
        path: ['low'],
      });
      return;
    }
    if (p.low !== undefined && p.high !== undefined && !(p.low < p.high)) {
      ctx.addIssue({ code: 'custom', message: 'high must be greater than low — fix: swap low and high', path: ['high'] });
      return;
    }
    const lowZ = p.low === undefined ? -Infinity : (p.low - p.mu) / p.sigma;
    const highZ = p.high === undefined ? Infinity : (p.high - p.mu) / p.sigma;
    if (lowZ > TRUNCATION_LIMIT_SIGMAS || highZ < -TRUNCATION_LIMIT_SIGMAS) {
      ctx.addIssue({
        code: 'custom',
        message: `the interval [low, high] lies more than ${TRUNCATION_LIMIT_SIGMAS} sigma from mu, so it has no usable mass — fix: move mu towards the interval or widen sigma`,
        path: ['mu'],
      });
    }
  });

export const priorSpecSchema = z.discriminatedUnion('kind', [uniformSchema, normalSchema, lognormalSchema, truncnormalSchema], {
  error: `prior.kind must be one of ${KINDS} — fix: e.g. { kind: uniform, low: 0.1, high: 1.2 }`,
});
export type PriorSpec = z.infer<typeof priorSpecSchema>;

/** Largest number of points in one parameter's grid and in a whole grid sweep. */
export const MAX_GRID_POINTS = 10_000_000;

function pointCount() {
  return z
    .number({ error: 'n must be an integer ≥ 1 — fix: give the number of grid points' })
    .int({ error: 'n must be an integer — fix: give a whole number of points' })
    .min(1, { error: 'n must be at least 1 — fix: give the number of grid points' })
    .max(MAX_GRID_POINTS, { error: `n must be at most ${MAX_GRID_POINTS} — fix: use fewer points` });
}

const linspaceSchema = strict({ kind: z.literal('linspace'), low: finite('low'), high: finite('high'), n: pointCount() })
  .refine((g) => g.n === 1 || g.low < g.high, {
    error: 'high must be greater than low — fix: swap low and high',
    path: ['high'],
  });

const logspaceSchema = strict({ kind: z.literal('logspace'), low: positive('low'), high: positive('high'), n: pointCount() })
  .refine((g) => g.n === 1 || g.low < g.high, {
    error: 'high must be greater than low — fix: swap low and high',
    path: ['high'],
  });

const valuesSchema = strict({
  kind: z.literal('values'),
  values: z
    .array(finite('each value'), { error: 'values must be a list of numbers — fix: e.g. values: [0.1, 0.5, 1.0]' })
    .min(1, { error: 'values must not be empty — fix: list at least one value' }),
});

export const gridSpecSchema = z.discriminatedUnion('kind', [linspaceSchema, logspaceSchema, valuesSchema], {
  error: `grid.kind must be one of ${GRID_KINDS} — fix: e.g. { kind: linspace, low: 0.1, high: 1.2, n: 12 }`,
});
export type GridSpec = z.infer<typeof gridSpecSchema>;

export const parameterSpecSchema = strict({ path: parameterPathSchema, prior: priorSpecSchema.optional(), grid: gridSpecSchema.optional() })
  .refine((p) => p.prior !== undefined || p.grid !== undefined, {
    error: 'a parameter needs a prior (for inference or random sweeps) or a grid (for grid sweeps) — fix: add prior: { kind: uniform, low: ..., high: ... }',
    path: ['prior'],
  });
export type ParameterSpec = z.infer<typeof parameterSpecSchema>;

export const parametersSchema = z
  .array(parameterSpecSchema, { error: 'parameters must be a list of { path, prior } entries' })
  .min(1, { error: 'parameters must list at least one parameter — fix: add e.g. { path: coupling.a, prior: { kind: uniform, low: 0.1, high: 1.2 } }' })
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((p, i) => {
      const first = seen.get(p.path);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `path "${p.path}" is listed twice (also at index ${first}) — fix: keep one entry per parameter`,
          path: [i, 'path'],
        });
      } else {
        seen.set(p.path, i);
      }
    });
  });
export type ParametersSpec = z.infer<typeof parametersSchema>;
