import { InputError } from '../errors.js';

/**
 * A structural connectome as TVB holds it. `weights[i * n + j]` is the connection from source j to
 * target i (row = target), so node i's coupling sums row i. Tract lengths are in mm.
 */
export interface Connectome {
  n: number;
  weights: Float64Array;
  tractLengths: Float64Array;
  labels: string[];
  hemispheres?: Uint8Array;
  /** Region centres, `n × 3` row-major (x, y, z). */
  centres?: Float64Array;
  cortical?: Uint8Array;
  areas?: Float64Array;
  /** Where it came from (file or bundled name), for provenance and error messages. */
  source: string;
}

export interface ConnectomeOptions {
  /** Divide the weights by their largest value (after zeroing the diagonal, if that is asked for too). */
  normalise?: 'none' | 'max';
  /** Set self-connections to 0. */
  zeroDiagonal?: boolean;
}

/**
 * Checks the matrices of a freshly read connectome, then applies the options. The diagonal is zeroed
 * before normalising: the largest raw weight of connectivity_68 sits on the diagonal, and the other order
 * rescales every weight by 0.9 and moves the model's transition (shared/spec/deliverable-case.md §6).
 */
export function finishConnectome(c: Connectome, opts: ConnectomeOptions = {}): Connectome {
  const { n } = c;
  if (n === 0) throw new InputError(`${c.source}: the weights matrix is empty — fix: give a non-empty square matrix`);
  if (c.weights.length !== n * n || c.tractLengths.length !== n * n) {
    throw new InputError(
      `${c.source}: weights (${c.weights.length} values) and tract lengths (${c.tractLengths.length} values) must both be ${n}×${n} — fix: give two square matrices of the same size`,
    );
  }
  checkEntries(c.weights, n, `${c.source}: weights`);
  checkEntries(c.tractLengths, n, `${c.source}: tract lengths`);
  if (c.labels.length !== n) {
    throw new InputError(`${c.source}: ${c.labels.length} region labels for ${n} regions — fix: give one label per region`);
  }
  for (const [name, arr, per] of [
    ['hemispheres', c.hemispheres, 1],
    ['cortical', c.cortical, 1],
    ['areas', c.areas, 1],
    ['centres', c.centres, 3],
  ] as const) {
    if (arr && arr.length !== n * per) {
      throw new InputError(`${c.source}: ${name} has ${arr.length / per} entries for ${n} regions — fix: give one entry per region or leave the file out`);
    }
  }
  const weights = Float64Array.from(c.weights);
  if (opts.zeroDiagonal) for (let i = 0; i < n; i++) weights[i * n + i] = 0;
  if ((opts.normalise ?? 'none') === 'max') {
    let max = 0;
    for (const w of weights) if (w > max) max = w;
    if (max === 0) throw new InputError(`${c.source}: all weights are 0, so they cannot be normalised by their maximum — fix: check the file or set normalise: none`);
    for (let k = 0; k < weights.length; k++) weights[k] /= max;
  }
  return { ...c, weights };
}

function checkEntries(a: Float64Array, n: number, what: string): void {
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    const where = `row ${Math.floor(k / n) + 1}, column ${(k % n) + 1}`;
    if (!Number.isFinite(v)) throw new InputError(`${what} has a non-finite value (${v}) at ${where} — fix: replace NaN/inf by a number (0 for no connection)`);
    if (v < 0) throw new InputError(`${what} has a negative value (${v}) at ${where} — fix: weights and tract lengths must be ≥ 0`);
  }
}

/** Number of non-zero weights. */
export function nonZeroCount(c: Connectome): number {
  let k = 0;
  for (const w of c.weights) if (w !== 0) k++;
  return k;
}
