/**
 * What may differ between the simulations of one batch: every MPR parameter (scalar or one value per
 * node), the Linear coupling's a and b, and the noise intensity per state variable. Everything else
 * (connectome, delays, dt, duration, history kind, monitors) is shared by the batch.
 */
export const mprParameterNames = ['tau', 'Delta', 'eta', 'J', 'I', 'cr', 'cv'] as const;
export type MprParameterName = (typeof mprParameterNames)[number];

/** TVB's `MontbrioPazoRoxin` defaults (shared/spec/tvb-mpr.md §1). */
export const mprDefaults: Record<MprParameterName, number> = { tau: 1, Delta: 1, eta: -5, J: 15, I: 0, cr: 1, cv: 0 };

/** TVB's `Linear` coupling default slope 2⁻⁸. */
export const linearDefaults = { a: 0.00390625, b: 0 };

export type NodeValue = number | readonly number[];

export interface ParameterSet {
  model: Record<MprParameterName, NodeValue>;
  coupling: { a: number; b: number };
  /** Additive noise intensity D per state variable [r, V]: ξ = sqrt(2·D·dt)·Z. 0 gives a deterministic run. */
  nsig: readonly [number, number];
}

export function defaultParameterSet(): ParameterSet {
  return { model: { ...mprDefaults }, coupling: { ...linearDefaults }, nsig: [0, 0] };
}

/** Value of a scalar-or-per-node parameter at node i. */
export function nodeValue(v: NodeValue, i: number): number {
  return typeof v === 'number' ? v : v[i];
}
