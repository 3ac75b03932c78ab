import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../src/experiment/create-run.js';
import { loadExperimentFile, parseExperiment } from '../../src/experiment/load.js';
import { observationFiles } from '../../src/experiment/observation.js';
import { InputError } from '../../src/errors.js';
import { RunDir } from '../../src/store/run-dir.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';
import { problems } from './problems.js';

/** The experiment file's `observation:` section: its schema, the file paths, and that it is not frozen. */

const base = readFileSync(smallExperiment(tempDir('obs-base')), 'utf8');
const withObservation = (yaml: string) => `${base}observation:\n${yaml}`;


test('a synthetic observation (truth, seed), an empirical one (files), and none are valid', () => {
  const synthetic = parseExperiment(withObservation('  truth: { coupling.a: 0.8 }\n  seed: 43\n'), 'exp.yaml');
  expect(synthetic.observation).toEqual({ truth: { 'coupling.a': 0.8 }, seed: 43 });
  const empirical = parseExperiment(withObservation('  files: [data/sub-01_bold.csv, data/sub-02.npy, /abs/sub-03.ARROW]\n'), 'exp.yaml');
  expect(empirical.observation).toEqual({ files: ['data/sub-01_bold.csv', 'data/sub-02.npy', '/abs/sub-03.ARROW'] });
  expect(parseExperiment(base, 'exp.yaml').observation).toBeUndefined();
});

test('truth and files together are refused with the fix', () => {
  expect(problems(withObservation('  truth: { coupling.a: 0.8 }\n  files: [a.csv]\n'))).toMatch(/at observation: observation has both truth .* and files .* — fix: keep one/);
});

test('every field problem at once: empty list, non-BOLD file, a truth for a parameter not varied, a bad seed, an unknown key', () => {
  const msg = problems(withObservation('  files: []\n  seed: -1\n  fille: x\n'));
  expect(msg).toMatch(/at observation\.files: observation\.files is empty — fix:/);
  expect(msg).toMatch(/at observation\.seed: seed must be ≥ 0 — fix:/);
  expect(msg).toMatch(/at observation: unknown key\(s\) fille — fix:/);
  expect(problems(withObservation('  files: [sub-01.csv, features.json]\n'))).toMatch(/at observation\.files\[1\]: features\.json is not a BOLD file .*\.npy.* — fix:/);
  expect(problems(withObservation('  truth: { coupling.b: 0.3 }\n'))).toMatch(/at observation\.truth\.coupling\.b: coupling\.b is not a parameter the experiment varies \(it varies coupling\.a\) — fix:/);
  expect(problems(withObservation('  truth: { coupling.a: high }\n'))).toMatch(/observation\.truth\.coupling\.a: a ground-truth value must be a number — fix:/);
});

test('files are relative to the experiment file, not the working directory; every missing one is named with its field path', () => {
  const dir = tempDir('obs-files');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'sub-01.csv'), '1,2\n3,4\n');
  const experiment = join(dir, 'exp.yaml');
  expect(process.cwd()).not.toBe(dir);
  expect(observationFiles(['data/sub-01.csv', join(dir, 'data', 'sub-01.csv')], experiment)).toEqual([join(dir, 'data', 'sub-01.csv'), join(dir, 'data', 'sub-01.csv')]);
  let message = '';
  try {
    observationFiles(['data/sub-01.csv', 'data/sub-02.csv', 'sub-03.npy', 'data'], experiment);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    message = (err as Error).message;
  }
  expect(message).toMatch(/exp\.yaml has 3 problems/);
  expect(message).toContain(`at observation.files[1]: data/sub-02.csv is not a file (looked for ${join(dir, 'data', 'sub-02.csv')}) — fix:`);
  expect(message).toMatch(/at observation\.files\[2\]: sub-03\.npy is not a file/);
  expect(message).toMatch(/at observation\.files\[3\]: data is not a file/); // a directory
});

test('the observation is not frozen: changing it reuses the run instead of refusing a different experiment', () => {
  const dir = tempDir('obs-frozen');
  const experiment = smallExperiment(dir, { extra: 'observation:\n  truth: { coupling.a: 0.8 }\n' });
  const run = new RunDir(join(dir, 'run'));
  expect(createRun(experiment, run.root).created).toBe(true);
  expect(loadExperimentFile(run.experiment).observation).toBeUndefined();
  writeFileSync(experiment, readFileSync(experiment, 'utf8').replace('truth: { coupling.a: 0.8 }', 'files: [sub-01.csv]'));
  expect(createRun(experiment, run.root).created).toBe(false);
});
