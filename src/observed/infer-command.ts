/** Prints `hpcinv infer --observed BOLD...`: one line (or JSON row) per subject and parameter. */
import { InputError } from '../errors.js';
import { isFeatureFile } from './kind.js';
import { inferSubjects } from './subjects.js';

export async function inferSubjectsCommand(run: string, files: string[], opts: { samples: number; seed: number; out?: string; json: boolean }): Promise<void> {
  const features = files.filter(isFeatureFile);
  if (features.length) throw new InputError(`${features.join(', ')} hold(s) features, not BOLD; several --observed files must all be BOLD series, one per subject — fix: infer a features file on its own, or pass the subjects' BOLD files`);
  if (!Number.isInteger(opts.samples) || opts.samples < 2) throw new InputError(`--samples must be a whole number ≥ 2 (got ${opts.samples}) — fix: e.g. --samples 10000`);
  const r = await inferSubjects(run, files, opts);
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  console.log(`${r.subjects.length} subject(s), ${r.samples} posterior samples each → ${r.samplesFile}`);
  const p = (x: number) => x.toPrecision(4);
  for (const s of r.subjects) {
    for (const q of s.posterior) console.log(`${s.subject}\t${q.parameter}: mean ${p(q.mean)} sd ${p(q.sd)} 95% [${p(q.lower95)}, ${p(q.upper95)}]`);
  }
}
