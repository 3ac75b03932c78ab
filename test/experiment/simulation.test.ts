import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseSimulationSection, simulationSchema, simulationSpecOf, parameterSetOf, connectomeOf } from '../../src/experiment/simulation.js';
import { setParameter, setParameters, parseParameterPath } from '../../src/experiment/parameter-path.js';
import { InputError } from '../../src/errors.js';
import { prepareSimulation, simulateBatch } from '../../src/simulator/index.js';
import { packageRoot } from '../../src/version.js';

const minimal = { connectome: { source: 'tvb:76' }, integrator: { dt: 0.01 }, duration: 10, monitors: { tavg: { period: 1 } } };

describe('simulation sections of the experiment file', () => {
  test('defaults are TVB defaults', () => {
    const s = parseSimulationSection(minimal, 'exp.yaml');
    expect(s.model).toEqual({ name: 'mpr', tau: 1, Delta: 1, eta: -5, J: 15, I: 0, cr: 1, cv: 0 });
    expect(s.coupling).toEqual({ name: 'linear', a: 0.00390625, b: 0 });
    expect(s.integrator).toMatchObject({ nsig: 0, seed: 42, rng: 'fast' });
    expect(s.connectome).toMatchObject({ speed: 3, normalise: 'none', zeroDiagonal: false });
    expect(s.initial).toEqual({ kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] });
    expect(s.timeUnitMs).toBe(1);
  });

  test('errors name every field path and the fix', () => {
    const bad = { ...minimal, connectome: { source: 'tvb:76', speed: -1 }, integrator: { dt: 0, nsig: 'x' }, model: { eta: 'high', gamma: 1 }, monitors: {} };
    let msg = '';
    try {
      parseSimulationSection(bad, 'exp.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^exp\.yaml has \d+ problems/);
    expect(msg).toMatch(/at connectome\.speed: speed must be > 0 — fix/);
    expect(msg).toMatch(/at integrator\.dt: dt must be > 0 — fix/);
    expect(msg).toMatch(/at integrator\.nsig: nsig must be a number or \[nsig_r, nsig_V\] — fix/);
    expect(msg).toMatch(/at model\.eta: .*fix/);
    expect(msg).toMatch(/at model: .*gamma.*fix/);
    expect(msg).toMatch(/at monitors: monitors record nothing — fix/);
  });

  test('speed .inf from YAML means no delays; per-node values are checked against the connectome', () => {
    const s = parseSimulationSection(parse('connectome: {source: "tvb:76", speed: .inf}\nintegrator: {dt: 0.01}\nduration: 1\nmonitors: {raw: {}}\nmodel: {eta: [1, 2]}'), 'e.yaml');
    expect(s.connectome.speed).toBe(Infinity);
    const c = connectomeOf(s);
    expect(prepareSimulation(simulationSpecOf(s, c)).graph.maxDelay).toBe(0);
    expect(() => parameterSetOf(s, c.n)).toThrow(/model\.eta has 2 values but the connectome has 76 regions — fix/);
  });

  test('the shape can be extended by the full experiment schema', () => {
    const full = simulationSchema.extend({ extra: simulationSchema.shape.duration });
    expect(full.parse({ ...minimal, extra: 3 }).extra).toBe(3);
  });

  test('the bundled example parses, and its section runs', () => {
    const path = join(packageRoot, 'templates', 'experiments', 'simulate-example.yaml');
    const s = parseSimulationSection(parse(readFileSync(path, 'utf8')), path);
    const c = connectomeOf(s, path);
    expect(c.n).toBe(68);
    const short = { ...s, duration: 210 };
    const setup = prepareSimulation(simulationSpecOf(short, c));
    const [res] = simulateBatch(setup, [parameterSetOf(short, c.n)], [short.integrator.seed]);
    expect(res.diverged).toBe(false);
    expect(res.tavg!.r.nTime).toBe(2100);
    expect(res.tavg!.r.time[0]).toBeCloseTo(0.5, 9); // 0.05 units × 10 ms
    expect(res.balloon!.nTime).toBe(2); // 2.1 s at TR 2 s: samples 0 and 2000
    expect(res.balloon!.data[0]).toBe(0);
  });
});

describe('parameter paths', () => {
  const s = parseSimulationSection(minimal, 'e.yaml');

  test('set scalars, one region, and nsig', () => {
    expect(setParameter(s, 'coupling.a', 0.7).coupling.a).toBe(0.7);
    expect(setParameter(s, 'model.eta', -4).model.eta).toBe(-4);
    const one = setParameter(s, 'model.eta[2]', -3, 4);
    expect(one.model.eta).toEqual([-5, -5, -3, -5]);
    expect(setParameter(one, 'model.eta[0]', 1).model.eta).toEqual([1, -5, -3, -5]);
    expect(setParameter(s, 'integrator.nsig[1]', 0.2).integrator.nsig).toEqual([0, 0.2]);
    expect(setParameters(s, { 'integrator.nsig': 0.1, 'coupling.b': 1 })).toMatchObject({ integrator: { nsig: [0.1, 0.1] }, coupling: { b: 1 } });
    expect(s.coupling.a).toBe(0.00390625); // the input is not modified
    expect(parseParameterPath('model.J[12]')).toEqual({ section: 'model', name: 'J', index: 12 });
  });

  test.each([
    ['model.gamma', /names no MPR parameter/],
    ['coupling.c', /names no Linear coupling parameter/],
    ['coupling.a[1]', /indexes a scalar/],
    ['integrator.dt', /is not integrator.nsig/],
    ['duration', /is not of the form/],
    ['model.eta[9]', /out of range/],
  ])('rejects %s with a fix', (path, msg) => {
    const run = () => setParameter(setParameter(s, 'model.eta[0]', 1, 3), path, 1);
    expect(run).toThrow(msg);
    expect(run).toThrow(/fix:/);
  });
});
