import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { column, readArrow, writeArrow } from '../../src/store/arrow.js';
import { packageRoot } from '../../src/version.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

/**
 * `hpcinv run` with `observation: files:` in the experiment, end to end in child processes from the
 * build (as a user runs it), on a tiny sweep (12 simulations of 10,000 steps, 3 training epochs): one
 * posterior per subject and no coverage; features checked against an independent computation; resume;
 * a changed file re-infers without re-simulating; bad files fail before anything is simulated.
 */
const main = join(packageRoot, 'dist', 'cli', 'main.js');
const hpcinv = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

/** Pearson correlation (numpy corrcoef), written here independently of src/features. */
function pearson(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [sab, saa, sbb] = [0, 0, 0];
  a.forEach((_, t) => {
    sab += (a[t]! - ma) * (b[t]! - mb);
    saa += (a[t]! - ma) ** 2;
    sbb += (b[t]! - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

/** FC_SUM: the sum of positive off-diagonal correlations between regions. */
function fcSum(regions: number[][]): number {
  let s = 0;
  for (let i = 0; i < regions.length; i++) for (let j = 0; j < regions.length; j++) if (i !== j) s += Math.max(0, pearson(regions[i]!, regions[j]!));
  return s;
}

test('observation.files: one posterior per subject, resumable; a changed file re-infers only; bad files fail before the sweep', () => {
  const dir = tempDir('run-files');
  const observation = 'observation:\n  files: [data/sub-01.csv, data/sub-02.arrow]\n  seed: 5\n';
  const experiment = smallExperiment(dir, { count: 12, chunkSize: 6, compute: ['fc_sum', 'homotopic_fc'], extra: observation });

  // Two subjects' series (temporal average of r, the experiment's feature source) at G = 0.3 and 0.9;
  // `simulate` reads the experiment without needing its observation files to exist yet.
  const sim = hpcinv('simulate', experiment, '--vary', 'coupling.a=0.3,0.9', '-m', 'tavg', '-o', join(dir, 'sim.arrow'));
  expect(sim.status).toBe(0);
  const table = readArrow(join(dir, 'sim.arrow'));
  const which = column(table, 'sim') as Int32Array;
  const rNames = table.names.filter((n) => /^r\d+$/.test(n));
  const series = (k: number) => rNames.map((n) => Array.from(column(table, n) as Float64Array).filter((_, i) => which[i] === k));
  const [sub1, sub2] = [series(0), series(1)];
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'sub-01.csv'), sub1.map((r) => r.join(',')).join('\n') + '\n'); // regions × time
  writeArrow(join(dir, 'data', 'sub-02.arrow'), { names: rNames, columns: sub2.map((r) => Float64Array.from(r)) }); // time × regions

  const run = join(dir, 'run');
  const args = ['run', experiment, '--run', run, '--max-epochs', '3', '--samples', '300', '--concurrency', '2', '--json'];
  const first = hpcinv(...args);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  const out = JSON.parse(first.stdout);
  expect(out.stages).toEqual({ sample: 'done', simulate: 'done', gather: 'done', train: 'done', observe: 'done', infer: 'done', report: 'done' });
  expect(out.observation).toEqual({ kind: 'files', seed: 5, files: [join(dir, 'data', 'sub-01.csv'), join(dir, 'data', 'sub-02.arrow')] });
  expect(out.truth).toBeUndefined();
  expect(out.subjects.map((s: { subject: string }) => s.subject)).toEqual(['sub-01', 'sub-02']);
  expect(out.subjects[0].features.fc_sum).toBeCloseTo(fcSum(sub1), 8);
  expect(out.subjects[1].features.fc_sum).toBeCloseTo(fcSum(sub2), 8);
  expect(out.subjects[0].features.fc_sum).not.toBeCloseTo(out.subjects[1].features.fc_sum, 3);

  // One summary per subject and parameter, no ground truth; it is the statistics of that subject's samples.
  const samples = readArrow(out.samplesFile);
  expect(out.samplesFile).toBe(join(run, 'posterior_samples_observed.arrow'));
  expect(samples.names).toEqual(['subject', 'draw', 'coupling.a']);
  const who = column(samples, 'subject') as string[];
  const values = column(samples, 'coupling.a') as Float64Array;
  for (const s of out.subjects) {
    const [p] = s.posterior;
    expect(p.parameter).toBe('coupling.a');
    expect(p.truth).toBeUndefined();
    expect(p.covered).toBeUndefined();
    const mine = Array.from(values).filter((_, i) => who[i] === s.subject);
    expect(mine).toHaveLength(300);
    expect(p.mean).toBeCloseTo(mine.reduce((a, v) => a + v, 0) / 300, 12);
    expect(Math.min(...mine)).toBeGreaterThanOrEqual(0.1); // inside the prior U(0.1, 1.2)
    expect(Math.max(...mine)).toBeLessThanOrEqual(1.2);
  }
  const html = readFileSync(out.report, 'utf8');
  expect(html).toMatch(/no ground truth is known, so no coverage is checked/);
  expect(html).toMatch(/<th>subject<\/th>/);
  expect(html).not.toMatch(/covered by 95 %/);
  expect(html).toMatch(/<svg/);

  // The terminal summary says so; a finished run skips every stage.
  const again = hpcinv(...args.filter((a) => a !== '--json'));
  expect(again.status).toBe(0);
  expect(again.stdout).toMatch(/already done: sample, simulate, gather, train, observe, infer, report/);
  expect(again.stdout).toMatch(/no coverage check/);
  expect(again.stdout).toMatch(/^ {2}sub-01 {2}coupling\.a: mean .* sd .* 95% \[.*\]$/m);

  // `hpcinv infer --observed` writes the same samples file by default: the run notices and samples again.
  expect(hpcinv('infer', run, '--observed', join(dir, 'data', 'sub-01.csv'), '--samples', '50').status).toBe(0);
  const resampled = JSON.parse(hpcinv(...args).stdout);
  expect(resampled.stages).toMatchObject({ train: 'skipped', observe: 'skipped', infer: 'done', report: 'done' });
  expect(resampled.subjects).toEqual(out.subjects); // same seeds, same model: the same posteriors
  expect((column(readArrow(out.samplesFile), 'subject') as string[]).length).toBe(600);

  // A subject's file changes: its features and the posteriors are redone, the sweep and model are not.
  writeArrow(join(dir, 'data', 'sub-02.arrow'), { names: rNames, columns: sub1.map((r) => Float64Array.from(r)) });
  const changed = JSON.parse(hpcinv(...args).stdout);
  expect(changed.stages).toMatchObject({ sample: 'skipped', simulate: 'skipped', train: 'skipped', observe: 'done', infer: 'done', report: 'done' });
  expect(changed.subjects[1].features.fc_sum).toBeCloseTo(fcSum(sub1), 8);

  // A missing file: exit 2 naming the field, before a run directory is made.
  rmSync(join(dir, 'data', 'sub-01.csv'));
  const missing = hpcinv('run', experiment, '--run', join(dir, 'run-missing'));
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/at observation\.files\[0\]: data\/sub-01\.csv is not a file .* — fix:/);
  expect(existsSync(join(dir, 'run-missing'))).toBe(false);

  // The wrong region count: exit 2 after sampling, before any simulation.
  writeFileSync(join(dir, 'data', 'sub-01.csv'), sub1.slice(0, 60).map((r) => r.join(',')).join('\n') + '\n');
  const wrong = hpcinv('run', experiment, '--run', join(dir, 'run-wrong'));
  expect(wrong.status).toBe(2);
  expect(wrong.stderr).toMatch(/sub-01\.csv has 60 regions but the connectome of this run has 68 — fix:/);
  expect(existsSync(join(dir, 'run-wrong', 'chunks'))).toBe(false);

  // A flat region makes FC undefined: exit 2 naming the features and the region, before any simulation.
  writeFileSync(join(dir, 'data', 'sub-01.csv'), sub1.map((r, i) => (i === 3 ? r.map(() => 0.25) : r).join(',')).join('\n') + '\n');
  const flat = hpcinv('run', experiment, '--run', join(dir, 'run-flat'));
  expect(flat.status).toBe(2);
  expect(flat.stderr).toMatch(/sub-01\.csv: features \S.* are not finite — region\(s\) \S+ are constant over time.* — fix: /);
  expect(existsSync(join(dir, 'run-flat', 'chunks'))).toBe(false);
}, 240_000);
