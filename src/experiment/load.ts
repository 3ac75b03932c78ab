import { readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { experimentSchema, checkExperiment, type Experiment } from './schema.js';
import { experimentError } from './errors.js';
import { RunDir } from '../store/run-dir.js';
import { writeFileAtomic } from '../store/atomic.js';
import { assertCompatible } from '../store/compat.js';
import { version } from '../version.js';
import { InputError } from '../errors.js';

/**
 * Read and validate an experiment file. Every problem is reported at once, each with its field path
 * and fix; YAML syntax errors name the line and column.
 */
export function loadExperimentFile(path: string): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`cannot read experiment file ${path} — fix: check the path, or write a starter with \`hpcinv init ${path}\``);
  }
  return parseExperiment(text, path);
}

export function parseExperiment(text: string, where: string): Experiment {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `  ${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0]}`;
    });
    throw new InputError(`${where} is not valid YAML:\n${lines.join('\n')}\n— fix: correct the YAML syntax at the line(s) shown (indentation, a missing colon, a duplicate key)`);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${where} must be a YAML mapping of sections (connectome, model, ..., parameters, features, simulations) — fix: start from \`hpcinv init\``);
  }
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) throw experimentError(where, parsed.error.issues);
  const semantic = checkExperiment(parsed.data);
  if (semantic.length) throw experimentError(where, semantic);
  return parsed.data;
}

/** The frozen copy in a run directory: the validated experiment with defaults filled in, and the version. */
export function freezeExperiment(run: RunDir, exp: Experiment): string {
  const text = `# Frozen by hpcinv ${version}: the validated experiment with every default written out. Do not edit;\n# change the source experiment and make a new run instead.\n${stringify({ ...exp, hpcinv: { version } })}`;
  writeFileAtomic(run.experiment, text);
  return text;
}

export function loadFrozenExperiment(run: RunDir): Experiment {
  let text: string;
  try {
    text = readFileSync(run.experiment, 'utf8');
  } catch {
    throw new InputError(`${run.root} has no experiment.yaml — fix: create the run with \`hpcinv sample <experiment.yaml> ${run.root}\``);
  }
  const exp = parseExperiment(text, run.experiment);
  assertCompatible(exp.hpcinv?.version ?? '0.0.0', version, run.experiment);
  return exp;
}
