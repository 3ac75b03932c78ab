import { InputError } from '../errors.js';
import { mprParameterNames } from '../simulator/params.js';
import type { SimulationSection } from './simulation.js';

/**
 * Parameter paths name what may differ between the simulations of one batch:
 *   model.<p> and model.<p>[i] for p in tau, Delta, eta, J, I, cr, cv (i = 0-based region index);
 *   coupling.a, coupling.b; integrator.nsig (both variables), integrator.nsig[0] (r), integrator.nsig[1] (V).
 */
export interface ParameterPath {
  section: 'model' | 'coupling' | 'integrator';
  name: string;
  index?: number;
}

const pathPattern = /^(model|coupling|integrator)\.([A-Za-z]+)(?:\[(\d+)\])?$/;

export const parameterPathHelp = `model.<${mprParameterNames.join('|')}>[i], coupling.a, coupling.b, integrator.nsig[0|1]`;

export function parseParameterPath(path: string): ParameterPath {
  const m = pathPattern.exec(path);
  const bad = (why: string) => new InputError(`parameter path '${path}' ${why} — fix: use one of ${parameterPathHelp}`);
  if (!m) throw bad('is not of the form section.name or section.name[i]');
  const [, section, name, idx] = m;
  const index = idx === undefined ? undefined : Number(idx);
  if (section === 'model' && !(mprParameterNames as readonly string[]).includes(name)) throw bad(`names no MPR parameter`);
  if (section === 'coupling' && (name !== 'a' && name !== 'b')) throw bad('names no Linear coupling parameter');
  if (section === 'coupling' && index !== undefined) throw bad('indexes a scalar');
  if (section === 'integrator' && (name !== 'nsig' || (index !== undefined && index > 1))) throw bad('is not integrator.nsig, nsig[0] or nsig[1]');
  return { section: section as ParameterPath['section'], name, index };
}

/**
 * Returns a copy of the section with one parameter set: how the sweep applies θ. Setting `model.eta[12]`
 * on a scalar eta expands it to one value per region first (so `n` is needed then).
 */
export function setParameter(section: SimulationSection, path: string, value: number, n?: number): SimulationSection {
  if (!Number.isFinite(value)) throw new InputError(`value ${value} for '${path}' is not finite — fix: give a finite number`);
  const p = parseParameterPath(path);
  if (p.section === 'coupling') return { ...section, coupling: { ...section.coupling, [p.name]: value } };
  if (p.section === 'integrator') {
    const cur = section.integrator.nsig;
    const pair: [number, number] = typeof cur === 'number' ? [cur, cur] : [cur[0], cur[1]];
    if (value < 0) throw new InputError(`'${path}' = ${value} is negative — fix: noise intensities must be ≥ 0`);
    const nsig: [number, number] = p.index === undefined ? [value, value] : p.index === 0 ? [value, pair[1]] : [pair[0], value];
    return { ...section, integrator: { ...section.integrator, nsig } };
  }
  const name = p.name as (typeof mprParameterNames)[number];
  if (p.index === undefined) return { ...section, model: { ...section.model, [name]: value } };
  const cur = section.model[name];
  let arr: number[];
  if (typeof cur === 'number') {
    if (n === undefined) throw new InputError(`'${path}' indexes a scalar parameter and the region count is unknown — fix: give model.${name} as a list`);
    arr = new Array<number>(n).fill(cur);
  } else arr = [...cur];
  if (p.index >= arr.length) throw new InputError(`'${path}' is out of range: model.${name} has ${arr.length} regions (0-based) — fix: use an index below ${arr.length}`);
  arr[p.index] = value;
  return { ...section, model: { ...section.model, [name]: arr } };
}

/** Applies several `path → value` settings in order. */
export function setParameters(section: SimulationSection, values: Record<string, number>, n?: number): SimulationSection {
  let s = section;
  for (const [path, v] of Object.entries(values)) s = setParameter(s, path, v, n);
  return s;
}
