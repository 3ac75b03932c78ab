import type { Connectome } from './connectome.js';
import { InputError } from '../errors.js';

/** numpy's `rint`: round to nearest, ties to even (TVB's `idelays = rint(delays / dt)`). */
export function rintHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Integer delays in steps, row-major like the weights: `rint(tract_length / speed / dt)` computed in this
 * order as TVB does. `speed = Infinity` (or null) means no delays.
 */
export function integerDelays(c: Connectome, speed: number | null, dt: number): Int32Array {
  const out = new Int32Array(c.n * c.n);
  if (speed === null || speed === Infinity) return out;
  if (!(speed > 0)) throw new InputError(`conduction speed ${speed} is not positive — fix: give a speed > 0 (mm per time unit) or .inf for no delays`);
  for (let k = 0; k < out.length; k++) {
    const d = rintHalfEven(c.tractLengths[k] / speed / dt);
    if (d > 2 ** 30) throw new InputError(`the delay of ${c.tractLengths[k]} mm at speed ${speed} is ${d} steps — fix: raise the speed or dt`);
    out[k] = d;
  }
  return out;
}
