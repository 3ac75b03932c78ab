/**
 * Reads one subject's empirical BOLD by file extension (.npy, .arrow/.feather/.ipc, .csv, .tsv/.txt) and
 * checks it: finite values, the connectome's region count, and its labels and order when the file names
 * its regions.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { readArrowBold } from './arrow-bold.js';
import { checkFinite, checkRegions, type BoldMatrix } from './bold-matrix.js';
import { readDelimited } from './delimited.js';
import { readNpy } from './npy.js';

export const BOLD_EXTENSIONS = ['.npy', '.arrow', '.feather', '.ipc', '.csv', '.tsv', '.txt'];

/** Whether `readBold` knows the file's format (by extension); for checks before anything is read. */
export const isBoldFile = (path: string): boolean => BOLD_EXTENSIONS.includes(extname(path).toLowerCase());

/** `<what> is not a BOLD file …`: the reason and fix when isBoldFile says no. */
export const notBoldFile = (what: string): string =>
  `${what} is not a BOLD file this reader knows (${BOLD_EXTENSIONS.join(', ')}) — fix: give one regions × time BOLD series per subject (docs/observed-data.md)`;

export function readBold(path: string, connectomeLabels: string[]): BoldMatrix {
  if (!existsSync(path)) throw new InputError(`observed data ${path} does not exist — fix: check the path`);
  const ext = extname(path).toLowerCase();
  let m: BoldMatrix;
  if (ext === '.npy') m = readNpy(path);
  else if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') m = readArrowBold(path);
  else if (ext === '.csv' || ext === '.tsv' || ext === '.txt') m = readDelimited(path);
  else throw new InputError(`${path}: unknown observed-data format '${ext}' — fix: use ${BOLD_EXTENSIONS.join(', ')} (docs/observed-data.md)`);
  checkRegions(m, connectomeLabels);
  checkFinite(m);
  return m;
}
