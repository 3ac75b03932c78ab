import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { writeArrow } from '../../src/store/arrow.js';
import { parseBudgets, parseFeatureSets } from '../../src/validate/study-options.js';
import { splitStudyData, studyShortfall } from '../../src/validate/study-data.js';
import { rerenderReport } from '../../src/validate/rerender.js';

describe('study options', () => {
  test('budgets: comma lists and separate arguments, sorted', () => {
    expect(parseBudgets(['300,100', 1000])).toEqual([100, 300, 1000]);
    expect(() => parseBudgets([])).toThrow(/e.g. --budgets/);
    expect(() => parseBudgets(['100,abc'])).toThrow(InputError);
    expect(() => parseBudgets(['5'])).toThrow(/≥ 10/);
    expect(() => parseBudgets(['100,100'])).toThrow(/repeat/);
  });

  test('feature sets must be computed by the experiment', () => {
    expect(parseFeatureSets(['fc_sum', 'fcd_sum', 'fc_sum+fcd_sum'], ['fc_sum', 'fcd_sum'])).toEqual([['fc_sum'], ['fcd_sum'], ['fc_sum', 'fcd_sum']]);
    expect(() => parseFeatureSets(['fc_sum+homotopic_fc'], ['fc_sum', 'fcd_sum'])).toThrow(/homotopic_fc are not computed.*fix/);
    expect(() => parseFeatureSets(['fc_sum+fc_sum'], ['fc_sum'])).toThrow(/repeats/);
  });
});

describe('study data split and report re-rendering', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'hpcinv-validate-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('training pool = samples below the pool size in sample order, held out = the rest; diverged rows left out', () => {
    const path = join(dir, 'dataset.arrow');
    // Rows deliberately out of sample order; sample 1 (pool) and 5 (held out) diverged.
    const sample = Int32Array.from([3, 0, 2, 1, 5, 4, 6]);
    const g = Float64Array.from(sample, (s) => s / 10);
    const fc = Float64Array.from(sample, (s) => (s === 1 || s === 5 ? NaN : 100 + s));
    const status = Array.from(sample, (s) => (s === 1 || s === 5 ? 'diverged' : 'ok'));
    writeArrow(path, { names: ['sample', 'coupling.a', 'fc_sum', 'status', 'wall_s'], columns: [sample, g, fc, status, new Float64Array(7)] });
    const d = splitStudyData(path, ['coupling.a'], 4, 2);
    expect(d.featureNames).toEqual(['fc_sum']);
    expect(Array.from(d.trainTheta)).toEqual([0, 0.2, 0.3]);
    expect(Array.from(d.trainX)).toEqual([100, 102, 103]);
    expect(Array.from(d.testTheta)).toEqual([0.4, 0.6]);
    expect(d.droppedTrain).toBe(1);
    expect(d.droppedTest).toBe(1);
    expect(() => splitStudyData(path, ['coupling.a'], 4, 3)).toThrow(/only 2 of the held-out simulations ended ok.*fix/);
    expect(() => splitStudyData(path, ['model.eta'], 4, 2)).toThrow(/lacks θ column/);
  });

  test('reserve draws fill the places of diverged simulations, training pool first, in sample order', () => {
    const path = join(dir, 'main.arrow');
    const reserve = join(dir, 'reserve.arrow');
    const write = (file: string, samples: number[], diverged: number[], offset: number) => {
      const sample = Int32Array.from(samples);
      const bad = (s: number) => diverged.includes(s);
      writeArrow(file, {
        names: ['sample', 'coupling.a', 'fc_sum', 'status'],
        columns: [sample, Float64Array.from(sample, (s) => offset + s), Float64Array.from(sample, (s) => (bad(s) ? NaN : offset + 100 + s)), Array.from(sample, (s) => (bad(s) ? 'diverged' : 'ok'))],
      });
    };
    write(path, [0, 1, 2, 3, 4, 5], [1, 4], 0); // pool 0–3 (1 diverged), held out 4–5 (4 diverged)
    write(reserve, [2, 0, 1, 3], [0], 10); // reserve sample 0 diverged too
    expect(studyShortfall(path, ['coupling.a'], 4, 2)).toBe(2);
    const d = splitStudyData(path, ['coupling.a'], 4, 2, reserve);
    expect(Array.from(d.trainTheta)).toEqual([0, 2, 3, 11]);
    expect(Array.from(d.trainX)).toEqual([100, 102, 103, 111]);
    expect(Array.from(d.testTheta)).toEqual([5, 12]);
    expect(d.reserveUsed).toBe(2);
    expect(studyShortfall(path, ['coupling.a'], 1, 3)).toBe(0);
    expect(splitStudyData(path, ['coupling.a'], 1, 3, reserve).reserveUsed).toBe(0);
  });

  test('report re-rendering refuses files that are not a study summary', async () => {
    const bad = join(dir, 'summary.json');
    writeFileSync(bad, '{"cells": []}');
    await expect(rerenderReport(bad)).rejects.toThrow(/not a validation summary.*fix/);
    writeFileSync(bad, 'not json');
    await expect(rerenderReport(bad)).rejects.toThrow(/not valid JSON/);
    await expect(rerenderReport(join(dir, 'missing'))).rejects.toThrow(/does not exist/);
  });
});
