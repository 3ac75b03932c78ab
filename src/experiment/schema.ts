import { z } from 'zod';
import { simulationShape } from './simulation.js';
import { parseParameterPath } from './parameter-path.js';
import { parametersSchema } from '../prior/index.js';
import { featuresSchema } from '../features/schema.js';
import { simulationsSchema, sweepSchema, backendSchema } from './sweep-sections.js';
import { observationSchema } from './observation.js';
import { InputError } from '../errors.js';

/**
 * The whole experiment file: the simulation sections (connectome, model, coupling, integrator, initial,
 * duration, timeUnitMs, monitors — src/experiment/simulation.ts), what to vary (`parameters`, with prior
 * or grid — src/prior), what to compute (`features` — src/features), the sweep sections
 * (`simulations`, `sweep`, `backend`) and what `hpcinv run` infers for (`observation` — observation.ts,
 * never frozen into a run). Unknown keys are errors (a typo never silently falls back to a
 * default). `hpcinv` is written into frozen copies only.
 */
export const experimentSchema = z.strictObject(
  {
    ...simulationShape,
    parameters: parametersSchema,
    features: featuresSchema,
    simulations: simulationsSchema,
    sweep: sweepSchema,
    backend: backendSchema,
    observation: observationSchema.optional(),
    hpcinv: z.strictObject({ version: z.string() }).optional(),
  },
  { error: 'the experiment must be a YAML mapping of sections — fix: start from `hpcinv init`' },
);

export type Experiment = z.infer<typeof experimentSchema>;

/** Checks across sections that a per-field schema cannot make; returned as zod-style issues. */
export function checkExperiment(exp: Experiment): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  const issue = (path: (string | number)[], message: string) => issues.push({ code: 'custom', path, message, input: undefined } as z.core.$ZodIssue);
  exp.parameters.forEach((p, i) => {
    try {
      parseParameterPath(p.path);
    } catch (err) {
      if (err instanceof InputError) issue(['parameters', i, 'path'], err.message);
      else throw err;
    }
    if (exp.simulations.design === 'prior' && !p.prior) issue(['parameters', i, 'prior'], `simulations.design is prior but ${p.path} has no prior — fix: add prior: { kind: uniform, low: ..., high: ... }, or set simulations.design: grid`);
    if (exp.simulations.design === 'grid' && !p.grid) issue(['parameters', i, 'grid'], `simulations.design is grid but ${p.path} has no grid — fix: add grid: { kind: linspace, low: ..., high: ..., n: ... }`);
  });
  if (exp.simulations.design === 'prior' && exp.simulations.count === undefined) {
    issue(['simulations', 'count'], 'a prior design needs the number of simulations — fix: add simulations.count, e.g. count: 1000');
  }
  const varied = exp.parameters.map((p) => p.path);
  for (const path of Object.keys(exp.observation?.truth ?? {})) {
    if (!varied.includes(path)) issue(['observation', 'truth', path], `${path} is not a parameter the experiment varies (it varies ${varied.join(', ')}) — fix: give ground truths for parameters listed under parameters`);
  }
  return issues;
}
