import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../../src/experiment/create-run.js';
import { confirmSubmitCost } from '../../src/planning/confirm.js';
import { packageRoot } from '../../src/version.js';

/**
 * The submit-time check on a real run directory (real timing of real simulations). The threshold is set
 * through a site profile with confirmAboveCoreHours: 0, so even this tiny sweep needs a confirmation.
 */
const main = join(packageRoot, 'dist', 'cli', 'main.js');
let root: string;
let experiment: string;
let site: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hpcinv-confirm-'));
  site = join(root, 'site.yaml');
  writeFileSync(site, 'transport: { kind: local }\nslurm: { cpusPerTask: 2 }\nbudget: { coreHours: 0.000001, confirmAboveCoreHours: 0 }\n');
  experiment = join(root, 'exp.yaml');
  const example = readFileSync(join(packageRoot, 'templates', 'experiments', 'example.yaml'), 'utf8');
  writeFileSync(
    experiment,
    example
      .replace(/^duration: \d+/m, 'duration: 300')
      .replace(/fcd: \{ window: \d+, step: 1 \}/, 'fcd: { window: 2, step: 1 }')
      .replace(/trMs: 2000/, 'trMs: 200')
      .replace(/count: \d+/, 'count: 8')
      .replace(/name: local/, `name: slurm\n  site: ${site}`),
  );
  createRun(experiment, join(root, 'run'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('above the threshold: refused without a terminal (naming --yes), asked on one, passed with --yes', async () => {
  const run = join(root, 'run');
  const written: string[] = [];
  await expect(confirmSubmitCost(run, { yes: false, write: (t) => written.push(t) })).rejects.toThrow(/stdin is not a terminal — fix: rerun with --yes/);
  expect(written.join('')).toMatch(/core-hours[\s\S]*EXCEEDS the budget/);
  await expect(confirmSubmitCost(run, { yes: false, ask: async () => 'n', write: () => {} })).rejects.toThrow(/not confirmed; nothing was submitted/);
  const asked: string[] = [];
  const ok = await confirmSubmitCost(run, { yes: false, ask: async (q) => (asked.push(q), 'y'), write: () => {} });
  expect(asked[0]).toMatch(/Submit\? \[y\/N\]/);
  // cpusPerTask 2 doubles the core-hours of 8 simulations.
  expect(ok!.coreHours).toBeCloseTo((8 * ok!.secondsPerSimulation * 2) / 3600, 12);
  expect((await confirmSubmitCost(run, { yes: true, write: () => {} }))!.needsConfirmation).toBe(true);
});

test('hpcinv plan prints the table, exits 1 over budget, and the --budget override applies', () => {
  const r = spawnSync(process.execPath, [main, 'plan', experiment, '--json'], { encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/more than the budget.*fix/);
  const e = JSON.parse(r.stdout);
  expect(e).toMatchObject({ nSamples: 8, coresPerTask: 2, backend: 'slurm', site: 'site', withinBudget: false });
  expect(e.secondsPerSimulation).toBeGreaterThan(0);
  const ok = spawnSync(process.execPath, [main, 'plan', experiment, '--budget', '1000', '--speedup', '2'], { encoding: 'utf8' });
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/core-hours[\s\S]*budget\s+1000 core-hours: .*% \(fits\)/);
  const bad = spawnSync(process.execPath, [main, 'plan', experiment, '--speedup', '0'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--speedup 0 must be > 0 — fix/);
});
