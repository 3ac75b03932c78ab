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

/**
 * The smallest realistic experiment: the 68-region connectome, 100 model units at dt 0.01 (10,000 steps),
 * features on the 1-unit temporal average — a simulation takes well under a second.
 */
export function smallExperiment(dir: string, opts: { count?: number; seed?: number; extra?: string; batchSize?: number; targetTaskMinutes?: number } = {}): string {
  const path = join(dir, 'experiment.yaml');
  writeFileSync(
    path,
    `connectome: { source: tvb:68, zeroDiagonal: true, normalise: max }
model: { eta: -4.6, J: 14.5, Delta: 0.7 }
integrator: { dt: 0.01, nsig: [0.035, 0.07] }
duration: 100
monitors:
  tavg: { period: 1 }
parameters:
  - path: coupling.a
    prior: { kind: uniform, low: 0.1, high: 1.2 }
features:
  source: { monitor: tavg, variable: r }
  fcd: { window: 10, step: 5 }
  compute: [fc_sum, fcd_sum, homotopic_fc, region_mean]
simulations: { count: ${opts.count ?? 8}, seed: ${opts.seed ?? 7} }
sweep: { batchSize: ${opts.batchSize ?? 2}, maxAttempts: 3${opts.targetTaskMinutes ? `, targetTaskMinutes: ${opts.targetTaskMinutes}` : ''} }
${opts.extra ?? ''}`,
  );
  return path;
}
