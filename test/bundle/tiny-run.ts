import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { tableFromIPC } from 'apache-arrow';
import { packageRoot } from '../../src/version.js';

/** The host's own build of the CLI (`npm run build`), the reference the deployed copies must match. */
export const hostCli = join(packageRoot, 'dist', 'cli', 'main.js');

/** Provenance columns, which differ between two runs of the same chunk by design. */
const PROVENANCE = new Set(['chunk', 'attempt', 'job_id', 'host', 'wall_s']);

/**
 * A run small enough for deployment tests: the shipped starter experiment with 2 samples, one chunk
 * each, and 1 s of model time on the temporal-average monitor only (features computed from it). Simulated on the host with
 * `hpcinv submit` (local backend), so every chunk has a reference output. Returns the run directory,
 * a copy of its chunk outputs as the host made them, and the temp dir holding both (for cleanup).
 */
export function makeReferenceRun(): { dir: string; run: string; reference: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hpcinv-deploy-'));
  const exp = parse(readFileSync(join(packageRoot, 'templates', 'experiments', 'starter.yaml'), 'utf8'));
  exp.duration = 100;
  exp.monitors = { transient: 0, tavg: { period: 1 } };
  exp.features = { ...exp.features, source: { monitor: 'tavg', variable: 'r' }, fcd: { window: 10, step: 2 } };
  exp.simulations.count = 2;
  exp.sweep = { chunkSize: 1, batchSize: 1, maxAttempts: 1 };
  writeFileSync(join(dir, 'tiny.yaml'), stringify(exp));
  const run = join(dir, 'run');
  cli(['sample', join(dir, 'tiny.yaml'), run]);
  cli(['submit', run, '--backend', 'local', '--concurrency', '1']);
  const reference = join(dir, 'reference');
  cpSync(join(run, 'chunks'), reference, { recursive: true });
  return { dir, run, reference };
}

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [hostCli, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hpcinv ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** The non-provenance columns of a chunk output, by name, as plain arrays. */
export function chunkValues(file: string): Record<string, unknown[]> {
  const table = tableFromIPC(readFileSync(file));
  const values: Record<string, unknown[]> = {};
  for (const field of table.schema.fields) {
    if (PROVENANCE.has(field.name)) continue;
    values[field.name] = [...table.getChild(field.name)!.toArray()];
  }
  return values;
}

export function chunkFile(dir: string, chunk: number): string {
  return join(dir, `chunk-${String(chunk).padStart(6, '0')}.arrow`);
}

export function doneMarker(run: string, chunk: number): Record<string, unknown> {
  return JSON.parse(readFileSync(join(run, 'chunks', `chunk-${String(chunk).padStart(6, '0')}.done.json`), 'utf8'));
}
