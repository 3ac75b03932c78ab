import { readFileSync, writeFileSync, mkdirSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { createRun } from '../../src/experiment/create-run.js';
import { starterPath } from '../../src/experiment/starter.js';
import { RunDir } from '../../src/store/run-dir.js';
import { readArrow, column } from '../../src/store/arrow.js';
import { priorFromSpec } from '../../src/prior/index.js';
import { packageRoot } from '../../src/version.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';
import { problems } from './problems.js';


const starter = readFileSync(starterPath(), 'utf8');

test('the shipped starter experiment is valid and is the deliverable case (G on connectivity_68, U(0.1, 1.2))', () => {
  const exp = loadExperimentFile(starterPath());
  expect(exp.connectome.source).toBe('tvb:68');
  expect(exp.connectome.zeroDiagonal).toBe(true);
  expect(exp.parameters).toEqual([{ path: 'coupling.a', prior: { kind: 'uniform', low: 0.1, high: 1.2 } }]);
  expect(exp.monitors.balloon?.trMs).toBe(2000);
  expect(exp.duration * exp.timeUnitMs).toBe(60_000);
});

test('every problem is reported at once, each with its field path and a fix', () => {
  const bad = starter
    .replace('dt: 0.01', 'dt: -1')
    .replace('prior: { kind: uniform, low: 0.1, high: 1.2 }', 'prior: { kind: uniform, low: 1.2, high: 0.1 }')
    .replace('count: 1000', 'count: 0')
    .replace('batchSize: 1', 'batchSize: 1\n  chunkSise: 5');
  const msg = problems(bad);
  expect(msg).toMatch(/exp.yaml has 4 problems/);
  expect(msg).toMatch(/at integrator\.dt: dt must be > 0 — fix:/);
  expect(msg).toMatch(/at parameters\[0\]\.prior\.high: high must be greater than low — fix:/);
  expect(msg).toMatch(/at simulations\.count: count must be at least 1 — fix:/);
  expect(msg).toMatch(/at sweep: .*chunkSise.* — fix: remove or correct/);
});

test('cross-section checks: unknown parameter path, a prior design without prior or count', () => {
  const msg = problems(starter.replace('path: coupling.a', 'path: coupling.gain').replace('  count: 1000 ', '  # no count '));
  expect(msg).toMatch(/at parameters\[0\]\.path: parameter path 'coupling.gain' names no Linear coupling parameter — fix:/);
  expect(msg).toMatch(/at simulations\.count: a prior design needs the number of simulations — fix:/);
  const grid = problems(starter.replace('design: prior', 'design: grid'));
  expect(grid).toMatch(/at parameters\[0\]\.grid: simulations.design is grid but coupling.a has no grid — fix:/);
});

test('YAML syntax errors name the line', () => {
  expect(problems('connectome:\n  source: tvb:68\n bad: [\n')).toMatch(/not valid YAML:\n\s+line \d+, column \d+/);
  expect(problems('- a\n- b\n')).toMatch(/must be a YAML mapping/);
});

test('sample writes θ from the prior (seeded: equal to the prior module drawn directly) and refuses a different experiment in the same run', () => {
  const dir = tempDir('sample');
  const exp = smallExperiment(dir, { count: 5, seed: 11 });
  const run = new RunDir(join(dir, 'run'));
  expect(createRun(exp, run.root)).toMatchObject({ created: true, samples: 5, parameters: ['coupling.a'] });
  const theta = readArrow(run.theta);
  const direct = priorFromSpec([{ path: 'coupling.a', prior: { kind: 'uniform', low: 0.1, high: 1.2 } }]).sample(5, 11);
  expect(Array.from(column(theta, 'coupling.a') as Float64Array)).toEqual(Array.from(direct.values));
  expect(createRun(exp, run.root).created).toBe(false);
  writeFileSync(exp, readFileSync(exp, 'utf8').replace('seed: 11', 'seed: 12'));
  expect(() => createRun(exp, run.root)).toThrow(/already holds a run of a different experiment — fix:/);
  expect(readFileSync(run.experiment, 'utf8')).toMatch(/^# Frozen by hpcinv/);
});

test('a parameter index beyond the connectome is refused at sample time, and nothing is written', () => {
  const dir = tempDir('sample-bad');
  const exp = smallExperiment(dir);
  writeFileSync(exp, readFileSync(exp, 'utf8').replace('path: coupling.a', 'path: model.eta[80]'));
  const run = new RunDir(join(dir, 'run'));
  expect(() => createRun(exp, run.root)).toThrow(/model.eta\[80\]' is out of range.*fix:/);
  expect(existsSync(run.root)).toBe(false);
});

test('connectome files are copied into the run so that the run directory is self-contained', () => {
  const dir = tempDir('inputs');
  mkdirSync(join(dir, 'data'));
  cpSync(join(packageRoot, 'data', 'connectivity', 'connectivity_76.zip'), join(dir, 'data', 'c76.zip'));
  const exp = smallExperiment(dir);
  writeFileSync(exp, readFileSync(exp, 'utf8').replace('source: tvb:68', 'source: data/c76.zip'));
  const run = new RunDir(join(dir, 'run'));
  createRun(exp, run.root);
  expect(existsSync(join(run.root, 'inputs', 'c76.zip'))).toBe(true);
  expect(loadExperimentFile(run.experiment).connectome.source).toBe('inputs/c76.zip');
});
