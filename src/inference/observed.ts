/**
 * Observed features for `hpcinv infer`: a JSON object {feature name: value} or a CSV with a header row of
 * feature names and one row of values. Names are matched to the model's features, in the model's order.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export function readObserved(path: string, featureNames: string[]): Float64Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`cannot read the observed features ${path} — fix: pass a JSON {name: value} or a one-row CSV with a header of feature names`);
  }
  let values: Record<string, number>;
  if (path.endsWith('.json') || text.trimStart().startsWith('{')) {
    try {
      values = JSON.parse(text) as Record<string, number>;
    } catch (e) {
      throw new InputError(`${path} is not valid JSON (${(e as Error).message}) — fix: write {"feature name": value, ...}`);
    }
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length !== 2) throw new InputError(`${path} has ${lines.length} non-empty lines; expected a header and one row of values — fix: one observation per file`);
    const header = lines[0]!.split(',').map((s) => s.trim());
    const cells = lines[1]!.split(',').map((s) => s.trim());
    if (cells.length !== header.length) throw new InputError(`${path}: ${header.length} names but ${cells.length} values — fix: one value per feature`);
    values = Object.fromEntries(header.map((h, i) => [h, cells[i] === '' || /^nan$/i.test(cells[i]!) ? NaN : Number(cells[i])]));
  }
  const given = Object.keys(values);
  const missing = featureNames.filter((f) => !(f in values));
  const extra = given.filter((g) => !featureNames.includes(g));
  if (missing.length || extra.length) {
    throw new InputError(
      `${path} has ${given.length} features but the posterior was trained on ${featureNames.length}` +
        (missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}` : '') +
        (extra.length ? `; unknown: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}` : '') +
        ' — fix: compute the same feature set as the training dataset',
    );
  }
  return Float64Array.from(featureNames, (f) => {
    const v = values[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`observed feature ${f} is ${String(v)} — fix: remove NaN/infinite values from the observed data (or the features computed from it)`);
    return v;
  });
}
