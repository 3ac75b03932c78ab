import { dirname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { loadConnectome } from '../connectome/load.js';
import type { Connectome } from '../connectome/connectome.js';
import { mprDefaults, linearDefaults, mprParameterNames, type ParameterSet, type NodeValue } from '../simulator/params.js';
import type { SimulationSpec } from '../simulator/simulate.js';
import { experimentError } from './errors.js';

/**
 * The simulation sections of the experiment file (docs/experiment.md): `connectome`, `model`, `coupling`,
 * `integrator`, `initial`, `duration`, `timeUnitMs`, `monitors`. Other sections (parameters, prior,
 * features, simulations, sweep, backend) are added by `.extend()`-ing `simulationSchema`.
 * All times are in model time units unless the key ends in `Ms` (real milliseconds).
 */

/** The message for a section that is not a mapping; other issues (unknown keys) keep zod's message naming the key. */
const mapping = (msg: string) => ({ error: (iss: { code?: string }) => (iss.code === 'invalid_type' ? msg : undefined) });
const num = (field: string, example: string) => z.number({ error: `${field} must be a number — fix: e.g. ${field}: ${example}` });
const positive = (field: string, example: string) => num(field, example).gt(0, { error: `${field} must be > 0 — fix: e.g. ${field}: ${example}` });
const nodeValue = (field: string, example: string) =>
  z.union([num(field, example), z.array(num(field, example)).min(1)], {
    error: `${field} must be a number or a list with one number per region — fix: e.g. ${field}: ${example}`,
  });
const infinity = z.custom<number>((v) => v === Infinity, { error: 'speed must be a positive number or .inf — fix: e.g. speed: 3.0' });
const range = (field: string, example: string) =>
  z
    .tuple([num(field, example), num(field, example)], { error: `${field} must be [low, high] — fix: e.g. ${field}: ${example}` })
    .refine(([lo, hi]) => lo < hi, { error: `${field} must have low < high — fix: e.g. ${field}: ${example}` });

export const connectomeSchema = z
  .strictObject(
    {
      /** `tvb:68`, `tvb:76`, a TVB zip or a directory; relative paths are relative to the experiment file. */
      source: z.string({ error: 'connectome.source must be a string — fix: e.g. source: tvb:76' }).min(1).optional(),
      /** Plain matrices instead of `source`: weights (row = target), tract lengths in mm, labels one per line. */
      weights: z.string().min(1).optional(),
      tractLengths: z.string().min(1).optional(),
      labels: z.string().min(1).optional(),
      normalise: z.enum(['none', 'max'], { error: 'normalise must be none or max — fix: e.g. normalise: max' }).default('none'),
      zeroDiagonal: z.boolean({ error: 'zeroDiagonal must be true or false — fix: e.g. zeroDiagonal: true' }).default(false),
      /** Conduction speed in mm per model time unit (TVB default 3); .inf for no delays. */
      speed: z.union([positive('speed', '3.0'), infinity], { error: 'speed must be a positive number or .inf — fix: e.g. speed: 3.0' }).default(3),
    },
    mapping('connectome must be a mapping such as { source: tvb:76 }'),
  )
  .refine((c) => (c.source === undefined) !== (c.weights === undefined), {
    error: 'give exactly one of connectome.source or connectome.weights — fix: e.g. source: tvb:76',
  });

const mprShape = Object.fromEntries(mprParameterNames.map((p) => [p, nodeValue(p, String(mprDefaults[p])).default(mprDefaults[p])])) as Record<
  (typeof mprParameterNames)[number],
  z.ZodDefault<ReturnType<typeof nodeValue>>
>;

export const modelSchema = z
  .strictObject({ name: z.literal('mpr', { error: 'model.name must be mpr (Montbrió–Pazó–Roxin) — fix: name: mpr' }).default('mpr'), ...mprShape }, mapping('model must be a mapping such as { eta: -4.6, J: 14.5, Delta: 0.7 }'))
  .default({ name: 'mpr', ...mprDefaults });

export const couplingSchema = z
  .strictObject(
    {
      name: z.literal('linear', { error: 'coupling.name must be linear — fix: name: linear' }).default('linear'),
      a: num('a', '0.5').default(linearDefaults.a),
      b: num('b', '0').default(linearDefaults.b),
    },
    mapping('coupling must be a mapping such as { a: 0.5 }'),
  )
  .default({ name: 'linear', ...linearDefaults });

const nonNegative = (field: string, example: string) => num(field, example).min(0, { error: `${field} must be ≥ 0 — fix: e.g. ${field}: ${example}` });

export const integratorSchema = z.strictObject(
  {
    name: z.literal('heun-stochastic', { error: 'integrator.name must be heun-stochastic — fix: name: heun-stochastic' }).default('heun-stochastic'),
    dt: positive('dt', '0.01'),
    /** Noise intensity D (ξ = sqrt(2·D·dt)·Z): one number for r and V, or [D_r, D_V]. 0 = deterministic. */
    nsig: z
      .union([nonNegative('nsig', '[0.035, 0.07]'), z.tuple([nonNegative('nsig', '[0.035, 0.07]'), nonNegative('nsig', '[0.035, 0.07]')])], {
        error: 'nsig must be a number or [nsig_r, nsig_V] — fix: e.g. nsig: [0.035, 0.07]',
      })
      .default(0),
    seed: z
      .number({ error: 'seed must be a whole number — fix: e.g. seed: 42' })
      .int({ error: 'seed must be a whole number — fix: e.g. seed: 42' })
      .min(0, { error: 'seed must be ≥ 0 — fix: e.g. seed: 42' })
      .max(2 ** 32 - 1, { error: 'seed must be < 2^32 — fix: e.g. seed: 42' })
      .default(42),
    /** `fast` (xoshiro128** + ziggurat) or `numpy` (MT19937 RandomState, TVB's random stream). */
    rng: z.enum(['fast', 'numpy'], { error: 'rng must be fast or numpy — fix: e.g. rng: fast' }).default('fast'),
  },
  mapping('integrator must be a mapping such as { dt: 0.01, nsig: [0.035, 0.07] }'),
);

export const initialSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('constant'), r: nodeValue('r', '0.1').default(0.1), V: nodeValue('V', '-2.0').default(-2) }),
      z.strictObject({ kind: z.literal('random'), rRange: range('rRange', '[0, 2]').default([0, 2]), VRange: range('VRange', '[-2, 1.5]').default([-2, 1.5]) }),
    ],
    { error: 'initial.kind must be constant or random — fix: e.g. initial: { kind: random }' },
  )
  .default({ kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] });

export const monitorsSchema = z
  .strictObject(
    {
      /** Samples earlier than this (model time) are dropped from every monitor's output. */
      transient: nonNegative('transient', '0').default(0),
      raw: z.strictObject({ every: z.number().int().min(1, { error: 'raw.every must be a whole number ≥ 1 — fix: e.g. every: 10' }).default(1) }).optional(),
      tavg: z.strictObject({ period: positive('tavg.period', '0.1') }).optional(),
      bold: z
        .strictObject({ periodMs: positive('bold.periodMs', '2000').default(2000), hrfLengthMs: positive('bold.hrfLengthMs', '20000').default(20000) })
        .optional(),
      /** Balloon–Windkessel on the temporal average of r (its `period` defaults to tavg.period). */
      balloon: z.strictObject({ period: positive('balloon.period', '0.1').optional(), trMs: positive('balloon.trMs', '2000').default(2000) }).optional(),
    },
    mapping('monitors must be a mapping such as { tavg: { period: 1 } }'),
  )
  .refine((m) => m.raw || m.tavg || m.bold || m.balloon, { error: 'monitors record nothing — fix: add e.g. tavg: { period: 1 }' })
  .refine((m) => !m.balloon || m.balloon.period !== undefined || m.tavg !== undefined, {
    error: 'balloon needs a temporal-average period — fix: add tavg: { period: 0.1 } or balloon.period',
  });

export const simulationShape = {
  connectome: connectomeSchema,
  model: modelSchema,
  coupling: couplingSchema,
  integrator: integratorSchema,
  initial: initialSchema,
  /** Simulated time in model units. */
  duration: positive('duration', '1000'),
  /** Real milliseconds per model time unit: 1 for TVB's ms, 10 for tvb-inversion's convention. */
  timeUnitMs: positive('timeUnitMs', '1').default(1),
  monitors: monitorsSchema,
};

/** The simulation part of the experiment file; the full experiment schema `.extend()`s it. */
export const simulationSchema = z.strictObject(simulationShape, mapping('the experiment must be a YAML mapping'));

export type SimulationSection = z.infer<typeof simulationSchema>;

/** Parses and validates the simulation sections; errors list every field path with its fix. */
export function parseSimulationSection(doc: unknown, file: string): SimulationSection {
  const res = simulationSchema.safeParse(doc);
  if (!res.success) throw experimentError(file, res.error.issues);
  return res.data;
}

/** Loads the connectome named by the section (paths relative to the experiment file). */
export function connectomeOf(section: SimulationSection, experimentFile?: string): Connectome {
  const c = section.connectome;
  return loadConnectome(
    { source: c.source, weights: c.weights, tractLengths: c.tractLengths, labels: c.labels },
    { normalise: c.normalise, zeroDiagonal: c.zeroDiagonal },
    experimentFile ? dirname(experimentFile) : process.cwd(),
  );
}

/** The simulator spec (shared by a batch) from a parsed section and its loaded connectome. */
export function simulationSpecOf(section: SimulationSection, connectome: Connectome): SimulationSpec {
  const n = connectome.n;
  const m = section.monitors;
  const init = section.initial;
  if (init.kind === 'constant') {
    checkNodeLength(init.r, n, 'initial.r');
    checkNodeLength(init.V, n, 'initial.V');
  }
  return {
    connectome,
    speed: section.connectome.speed,
    dt: section.integrator.dt,
    duration: section.duration,
    timeUnitMs: section.timeUnitMs,
    history: init.kind === 'constant' ? { kind: 'constant', r: init.r, V: init.V } : { kind: 'random', rRange: init.rRange, VRange: init.VRange },
    rng: section.integrator.rng,
    monitors: {
      transient: m.transient,
      raw: m.raw,
      tavg: m.tavg,
      bold: m.bold,
      balloon: m.balloon ? { period: m.balloon.period ?? m.tavg!.period, trMs: m.balloon.trMs } : undefined,
    },
  };
}

/** The per-simulation parameters of a section (model, coupling a/b, nsig), checked against n regions. */
export function parameterSetOf(section: SimulationSection, n: number): ParameterSet {
  const model = {} as Record<(typeof mprParameterNames)[number], NodeValue>;
  for (const p of mprParameterNames) {
    checkNodeLength(section.model[p], n, `model.${p}`);
    model[p] = section.model[p];
  }
  const nsig = section.integrator.nsig;
  return {
    model,
    coupling: { a: section.coupling.a, b: section.coupling.b },
    nsig: typeof nsig === 'number' ? [nsig, nsig] : [nsig[0], nsig[1]],
  };
}

function checkNodeLength(v: NodeValue, n: number, field: string): void {
  if (typeof v !== 'number' && v.length !== n) {
    throw new InputError(`${field} has ${v.length} values but the connectome has ${n} regions — fix: give one number, or one per region`);
  }
}
