import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { column, readArrow } from '../../src/store/arrow.js';
import { packageRoot } from '../../src/version.js';

/**
 * `hpcinv run` end to end in a child process, as a user runs it, with real brain simulations scaled to
 * seconds (connectivity_68, 10 s of BOLD at TR 1 s, 12 simulations, 5 training epochs): every stage,
 * the report, resume after a SIGKILL in the middle of the sweep, a finished run re-printing its summary,
 * and `infer --observed` on empirical-format BOLD files. The example's real scale is measured in
 * docs/quickstart.md. The CLI runs from the build (`npm test` builds first).
 */
const main = join(packageRoot, 'dist', 'cli', 'main.js');
const hpcinv = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

let root: string;
let experiment: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hpcinv-run-cli-'));
  experiment = join(root, 'tiny.yaml');
  const example = readFileSync(join(packageRoot, 'templates', 'experiments', 'example.yaml'), 'utf8');
  writeFileSync(
    experiment,
    example
      .replace(/^duration: \d+/m, 'duration: 1000')
      .replace(/trMs: 2000/, 'trMs: 1000')
      .replace(/fcd: \{ window: \d+, step: 1 \}/, 'fcd: { window: 2, step: 1 }')
      .replace(/count: \d+/, 'count: 12'),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runArgs = (dir: string) => ['run', experiment, '--run', dir, '--max-epochs', '5', '--chunk-size', '3', '--concurrency', '2', '--samples', '400'];

/** Pearson correlation of two series (numpy corrcoef), written here independently of src/features. */
function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((_, t) => {
    sab += (a[t]! - ma) * (b[t]! - mb);
    saa += (a[t]! - ma) ** 2;
    sbb += (b[t]! - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

test('runs every stage, is interrupted by SIGKILL mid-sweep, resumes, and re-prints a finished run', async () => {
  const dir = join(root, 'r');
  // Interrupt: kill the whole process group (orchestrator and its tasks) once the first chunk is done.
  const child = spawn(process.execPath, [main, ...runArgs(dir)], { detached: true, stdio: 'ignore' });
  const marker = join(dir, 'chunks', 'chunk-000000.done.json');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 600 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 100));
  expect(existsSync(marker)).toBe(true);
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  expect(existsSync(join(dir, 'model'))).toBe(false);
  const firstChunk = statSync(join(dir, 'chunks', 'chunk-000000.arrow')).mtimeMs;

  const r = hpcinv(...runArgs(dir), '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.stages.sample).toBe('skipped'); // θ drawn before the kill
  expect(out.stages).toMatchObject({ simulate: 'done', gather: 'done', train: 'done', observe: 'done', infer: 'done', report: 'done' });
  expect(statSync(join(dir, 'chunks', 'chunk-000000.arrow')).mtimeMs).toBe(firstChunk); // not simulated again
  expect(out.simulations).toBe(12);
  const g = out.truth['coupling.a'];
  expect(g).toBeGreaterThanOrEqual(0.1);
  expect(g).toBeLessThanOrEqual(1.2);
  const [p] = out.posterior;
  expect(p.parameter).toBe('coupling.a');
  expect(p.truth).toBe(g);
  expect(p.lower95).toBeLessThan(p.median);
  expect(p.median).toBeLessThan(p.upper95);
  expect(p.lower95).toBeGreaterThanOrEqual(0.1); // posterior samples stay in the prior U(0.1, 1.2)
  expect(p.upper95).toBeLessThanOrEqual(1.2);
  expect(p.covered).toBe(g >= p.lower95 && g <= p.upper95);
  // The summary is the samples' own statistics (recomputed here from the samples file).
  const samples = Array.from(column(readArrow(out.samplesFile), 'coupling.a') as Float64Array);
  expect(samples).toHaveLength(400);
  const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
  expect(p.mean).toBeCloseTo(mean, 12);
  expect(samples.filter((v) => v < p.lower95).length).toBe(Math.floor(0.025 * 399) + 1);
  const html = readFileSync(out.report, 'utf8');
  expect(html).toMatch(/<svg/);
  expect(html).toMatch(/ground truth/);
  const obs = JSON.parse(readFileSync(join(dir, 'observation.json'), 'utf8'));
  expect(Object.keys(obs.features)).toEqual(['fc_sum', 'fcd_sum']);
  expect(JSON.parse(readFileSync(join(dir, 'observation-features.json'), 'utf8'))).toEqual(obs.features);

  // Finished: every stage is skipped and the same summary is printed.
  const again = hpcinv(...runArgs(dir));
  expect(again.status).toBe(0);
  expect(again.stdout).toMatch(/already done: sample, simulate, gather, train, observe, infer, report/);
  expect(again.stdout).toMatch(new RegExp(`report: ${out.report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(again.stdout).toMatch(/coupling\.a: mean .* sd .* 95% \[.*\], truth .* \((covered|NOT covered)\)/);

  // A given ground truth outside the prior, or a truth for a parameter the experiment does not vary: exit 2.
  const outside = hpcinv('run', experiment, '--run', join(root, 'r2'), '--truth', 'coupling.a=5');
  expect(outside.status).toBe(2);
  expect(outside.stderr).toMatch(/outside the prior — fix/);
  const unknown = hpcinv('run', experiment, '--run', dir, '--truth', 'model.eta=1');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/does not vary.*fix/);

  // Empirical BOLD, one file per subject, in three formats holding the same series.
  const bold = join(root, 'bold.arrow');
  const sim = hpcinv('simulate', experiment, '--set', 'coupling.a=0.6', '-m', 'balloon', '-o', bold);
  expect(sim.status).toBe(0);
  const table = readArrow(bold);
  const regions = table.names.filter((n) => n !== 't').map((n) => Array.from(column(table, n) as Float64Array));
  const csv = join(root, 'sub-02.csv');
  writeFileSync(csv, regions.map((r) => r.join(',')).join('\n') + '\n'); // regions × time, no labels
  const inf = hpcinv('infer', dir, '--observed', bold, csv, '--samples', '300', '--json');
  expect(inf.stderr).toBe('');
  expect(inf.status).toBe(0);
  const subjects = JSON.parse(inf.stdout).subjects;
  expect(subjects.map((s: { subject: string }) => s.subject)).toEqual(['bold', 'sub-02']);
  let fcSum = 0;
  for (let i = 0; i < regions.length; i++) for (let j = 0; j < regions.length; j++) if (i !== j) fcSum += Math.max(0, pearson(regions[i]!, regions[j]!));
  for (const s of subjects) {
    expect(s.features.fc_sum).toBeCloseTo(fcSum, 8);
    expect(s.posterior[0].parameter).toBe('coupling.a');
  }
  const all = readArrow(JSON.parse(inf.stdout).samplesFile);
  expect(all.names).toEqual(['subject', 'draw', 'coupling.a']);
  expect(all.columns[0]!.length).toBe(600);

  // The wrong connectome size: exit 2 with the counts and the fix.
  writeFileSync(csv, regions.slice(0, 60).map((r) => r.join(',')).join('\n') + '\n');
  const wrong = hpcinv('infer', dir, '--observed', csv);
  expect(wrong.status).toBe(2);
  expect(wrong.stderr).toMatch(/has 60 regions but the connectome of this run has 68 — fix/);
}, 300_000);
