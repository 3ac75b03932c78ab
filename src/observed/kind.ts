/**
 * What `hpcinv infer --observed` was given: a features file (JSON {name: value}, or a CSV of a header of
 * feature names and exactly one row of values — the form `hpcinv infer` always took) or empirical BOLD
 * (every other file: .npy, Arrow, CSV/TSV with a time series per region). A BOLD CSV is never one row
 * under a header: features need at least two time samples.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

export function isFeatureFile(path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return true;
  if (ext !== '.csv') return false;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false; // the BOLD reader reports the missing file with its fix
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return lines.length === 2 && lines[0]!.split(',').some((c) => c.trim() !== '' && Number.isNaN(Number(c)) && !/^[+-]?(nan|inf)/i.test(c.trim()));
}
