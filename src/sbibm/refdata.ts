/**
 * Reads the sbibm reference data (observations, true parameters, 10,000 reference posterior samples)
 * from shared/refdata/sbibm, or from $HPCINV_SBIBM_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Bunzip from 'seek-bzip';
import { InputError } from '../errors.js';

export function sbibmDir(): string {
  if (process.env.HPCINV_SBIBM_DIR) return process.env.HPCINV_SBIBM_DIR;
  // <repo>/src/sbibm or <repo>/dist/sbibm → <repo>/../shared/refdata/sbibm
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'refdata', 'sbibm');
}

function parseCsv(text: string): { header: string[]; values: Float64Array } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((s) => s.trim());
  const values = new Float64Array((lines.length - 1) * header.length);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    for (let j = 0; j < header.length; j++) values[(i - 1) * header.length + j] = Number(cells[j]);
  }
  return { header, values };
}

export interface ReferenceObservation {
  observation: Float64Array;
  trueParameters: Float64Array;
  /** 10,000 × d reference posterior samples. */
  samples: Float64Array;
}

export function loadReference(task: string, num: number, dir = sbibmDir()): ReferenceObservation {
  const base = join(dir, task, `num_observation_${num}`);
  if (!existsSync(base)) throw new InputError(`sbibm reference data not found at ${base} — fix: set HPCINV_SBIBM_DIR to the refdata/sbibm folder`);
  const samplesCsv = Buffer.from(Bunzip.decode(readFileSync(join(base, 'reference_posterior_samples.csv.bz2')))).toString('utf8');
  return {
    observation: parseCsv(readFileSync(join(base, 'observation.csv'), 'utf8')).values,
    trueParameters: parseCsv(readFileSync(join(base, 'true_parameters.csv'), 'utf8')).values,
    samples: parseCsv(samplesCsv).values,
  };
}
