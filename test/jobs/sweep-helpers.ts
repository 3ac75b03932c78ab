import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskCommand } from '../../src/jobs/local/task-command.js';

/** The tasks are real `node dist/cli/main.js task` processes: the build must exist (npm test builds first). */
export function requireBuild(): void {
  const main = taskCommand()[1];
  if (!existsSync(main)) throw new Error(`${main} is missing — run \`npx tsc -p tsconfig.json\` (npm test does) before these tests`);
}

const made: string[] = [];
// Jest evaluates this module once per test file, so each file removes the directories it made.
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `hpcinv-${prefix}-`));
  made.push(d);
  return d;
}

/** What a test varies in `smallExperiment`; everything else is the shared tiny MPR sweep. */
export interface SmallExperimentOptions {
  count?: number;
  seed?: number;
  /** Model time units simulated (default 100 = 10,000 steps). */
  duration?: number;
  /** Feature kinds (default FC/FCD summaries + region means; the FCD settings are written only when used). */
  compute?: string[];
  batchSize?: number;
  maxAttempts?: number;
  chunkSize?: number;
  targetTaskMinutes?: number;
  /** YAML appended at the end, e.g. a `backend:` line. */
  extra?: string;
}

/**
 * The smallest realistic experiment: the 68-region connectome, 100 model units at dt 0.01 (10,000 steps),
 * features on the 1-unit temporal average — a simulation takes well under a second.
 */
export function smallExperiment(dir: string, opts: SmallExperimentOptions = {}): string {
  const path = join(dir, 'experiment.yaml');
  const compute = opts.compute ?? ['fc_sum', 'fcd_sum', 'homotopic_fc', 'region_mean'];
  const fcd = compute.some((k) => k.startsWith('fcd')) ? '  fcd: { window: 10, step: 5 }\n' : '';
  const sweep = [`batchSize: ${opts.batchSize ?? 2}`, `maxAttempts: ${opts.maxAttempts ?? 3}`];
  if (opts.chunkSize) sweep.push(`chunkSize: ${opts.chunkSize}`);
  if (opts.targetTaskMinutes) sweep.push(`targetTaskMinutes: ${opts.targetTaskMinutes}`);
  writeFileSync(
    path,
    `connectome: { source: tvb:68, zeroDiagonal: true, normalise: max }
model: { eta: -4.6, J: 14.5, Delta: 0.7 }
integrator: { dt: 0.01, nsig: [0.035, 0.07] }
duration: ${opts.duration ?? 100}
monitors:
  tavg: { period: 1 }
parameters:
  - path: coupling.a
    prior: { kind: uniform, low: 0.1, high: 1.2 }
features:
  source: { monitor: tavg, variable: r }
${fcd}  compute: [${compute.join(', ')}]
simulations: { count: ${opts.count ?? 8}, seed: ${opts.seed ?? 7} }
sweep: { ${sweep.join(', ')} }
${opts.extra ?? ''}`,
  );
  return path;
}
