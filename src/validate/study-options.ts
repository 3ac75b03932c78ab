import { InputError } from '../errors.js';

/** Parses and checks `--budgets` and `--features` so a study never starts with a plan it cannot finish. */
export function parseBudgets(values: Array<string | number>): number[] {
  const budgets = values.flatMap((v) => String(v).split(',')).filter((s) => s.trim() !== '').map((s) => Number(s.trim()));
  if (budgets.length === 0) throw new InputError('no simulation budgets given — fix: e.g. --budgets 100,300,1000');
  for (const b of budgets) {
    if (!Number.isInteger(b) || b < 10) throw new InputError(`budget ${b} is not a whole number ≥ 10 — fix: e.g. --budgets 100,300,1000`);
  }
  if (new Set(budgets).size !== budgets.length) throw new InputError(`budgets ${budgets.join(',')} repeat a value — fix: list each budget once`);
  return [...budgets].sort((a, b) => a - b);
}

/** Each feature set is one argument: feature names joined by '+' or ',' (e.g. fc_sum fcd_sum fc_sum+fcd_sum). */
export function parseFeatureSets(values: string[], available: string[]): string[][] {
  if (values.length === 0) throw new InputError(`no feature sets given — fix: e.g. --features ${available.join(' ')} ${available.join('+')}`);
  const sets = values.map((v) => v.split(/[+,]/).map((s) => s.trim()).filter(Boolean));
  for (const set of sets) {
    if (set.length === 0) throw new InputError('an empty feature set was given — fix: name at least one feature per set');
    const unknown = set.filter((f) => !available.includes(f));
    if (unknown.length) {
      throw new InputError(`feature(s) ${unknown.join(', ')} are not computed by the experiment (features.compute: ${available.join(', ')}) — fix: add them to features.compute or choose from that list`);
    }
    if (new Set(set).size !== set.length) throw new InputError(`feature set ${set.join('+')} repeats a feature — fix: list each once`);
  }
  return sets;
}
