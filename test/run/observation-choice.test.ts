import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { chooseObservation } from '../../src/run/observation-choice.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

/** What `hpcinv run` infers for: the experiment's observation section with the command line on top. */

const dir = tempDir('obs-choice');
mkdirSync(join(dir, 'data'));
for (const f of ['sub-01.csv', 'sub-02.csv']) writeFileSync(join(dir, 'data', f), '1,2\n3,4\n');
const plain = smallExperiment(dir, { seed: 7 });
const text = readFileSync(plain, 'utf8');
function experiment(observation: string) {
  const path = join(dir, `exp-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, `${text}observation:\n${observation}`);
  return { exp: loadExperimentFile(path), path };
}

test('no section: synthetic, every parameter drawn, seed simulations.seed + 1; flags alone set truth and seed', () => {
  const exp = loadExperimentFile(plain);
  expect(chooseObservation(exp, plain, {})).toEqual({ kind: 'synthetic', truth: {}, seed: 8 });
  expect(chooseObservation(exp, plain, { truth: { 'coupling.a': 0.5 }, seed: 3 })).toEqual({ kind: 'synthetic', truth: { 'coupling.a': 0.5 }, seed: 3 });
});

test('the file\'s truth and seed; --truth overrides path by path, --observation-seed the seed', () => {
  const { exp, path } = experiment('  truth: { coupling.a: 0.8 }\n  seed: 43\n');
  expect(chooseObservation(exp, path, {})).toEqual({ kind: 'synthetic', truth: { 'coupling.a': 0.8 }, seed: 43 });
  expect(chooseObservation(exp, path, { truth: { 'coupling.a': 0.3 }, seed: 5 })).toEqual({ kind: 'synthetic', truth: { 'coupling.a': 0.3 }, seed: 5 });
  const two = join(dir, 'two.yaml');
  writeFileSync(
    two,
    `${text.replace('parameters:\n', 'parameters:\n  - path: coupling.b\n    prior: { kind: uniform, low: 0, high: 0.1 }\n')}observation:\n  truth: { coupling.a: 0.8, coupling.b: 0.05 }\n`,
  );
  expect(chooseObservation(loadExperimentFile(two), two, { truth: { 'coupling.a': 0.3 } })).toEqual({ kind: 'synthetic', truth: { 'coupling.a': 0.3, 'coupling.b': 0.05 }, seed: 8 });
});

test('the file\'s files, resolved against the experiment; --observed replaces them; --truth makes the run synthetic', () => {
  const { exp, path } = experiment('  files: [data/sub-01.csv, data/sub-02.csv]\n');
  expect(chooseObservation(exp, path, {})).toEqual({ kind: 'files', files: [join(dir, 'data', 'sub-01.csv'), join(dir, 'data', 'sub-02.csv')], seed: 8 });
  expect(chooseObservation(exp, path, { observed: [join(dir, 'data', 'sub-02.csv')], seed: 11 })).toEqual({ kind: 'files', files: [join(dir, 'data', 'sub-02.csv')], seed: 11 });
  expect(chooseObservation(exp, path, { truth: { 'coupling.a': 0.4 } })).toEqual({ kind: 'synthetic', truth: { 'coupling.a': 0.4 }, seed: 8 });
});

test('refusals: --observed with --truth, a missing or non-BOLD --observed file, a missing file in the section', () => {
  const exp = loadExperimentFile(plain);
  const csv = join(dir, 'data', 'sub-01.csv');
  expect(() => chooseObservation(exp, plain, { observed: [csv], truth: { 'coupling.a': 0.4 } })).toThrow(/--observed .* and --truth .* exclude each other — fix: give one of them/);
  expect(() => chooseObservation(exp, plain, { observed: [join(dir, 'nope.csv')] })).toThrow(/--observed .*nope\.csv is not a file — fix: check the path/);
  writeFileSync(join(dir, 'features.json'), '{}');
  expect(() => chooseObservation(exp, plain, { observed: [join(dir, 'features.json')] })).toThrow(/features\.json is not a BOLD file .* — fix:/);
  const { exp: missing, path } = experiment('  files: [data/sub-01.csv, data/sub-09.csv]\n');
  expect(() => chooseObservation(missing, path, {})).toThrow(/at observation\.files\[1\]: data\/sub-09\.csv is not a file .* — fix:/);
});
