import { InputError } from '../../src/errors.js';
import { gridPoints, gridTable } from '../../src/prior/grid.js';
import { parametersSchema } from '../../src/prior/schema.js';

describe('gridPoints', () => {
  test('linspace has exact ends and equal steps', () => {
    const points = gridPoints({ kind: 'linspace', low: 0.1, high: 1.2, n: 12 });
    expect(points[0]).toBe(0.1);
    expect(points[11]).toBe(1.2);
    for (let k = 0; k < 12; k++) expect(points[k]).toBeCloseTo(0.1 + 0.1 * k, 14);
  });
  test('logspace is geometric with exact ends', () => {
    const points = gridPoints({ kind: 'logspace', low: 1e-4, high: 1e-1, n: 4 });
    expect(Array.from(points).map((p) => Math.log10(p))).toEqual([-4, -3, -2, -1].map((e) => expect.closeTo(e, 12)));
    expect(points[0]).toBe(1e-4);
    expect(points[3]).toBe(1e-1);
  });
  test('a single point is low; values are kept as listed', () => {
    expect(Array.from(gridPoints({ kind: 'linspace', low: 3, high: 3, n: 1 }))).toEqual([3]);
    expect(Array.from(gridPoints({ kind: 'values', values: [2, -1, 5] }))).toEqual([2, -1, 5]);
  });
});

describe('gridTable', () => {
  test('is the cartesian product with the last parameter fastest', () => {
    const spec = parametersSchema.parse([
      { path: 'coupling.a', grid: { kind: 'values', values: [1, 2] } },
      { path: 'model.eta', grid: { kind: 'values', values: [10, 20, 30] } },
    ]);
    const table = gridTable(spec);
    expect(table.names).toEqual(['coupling.a', 'model.eta']);
    const rows: number[][] = [];
    for (let i = 0; i < table.values.length; i += 2) rows.push([table.values[i], table.values[i + 1]]);
    const expected: number[][] = [];
    for (const a of [1, 2]) for (const eta of [10, 20, 30]) expected.push([a, eta]);
    expect(rows).toEqual(expected);
  });

  test('three axes: every combination exactly once', () => {
    const spec = parametersSchema.parse([
      { path: 'a.x', grid: { kind: 'linspace', low: 0, high: 1, n: 3 } },
      { path: 'a.y', grid: { kind: 'linspace', low: 0, high: 1, n: 4 } },
      { path: 'a.z', grid: { kind: 'linspace', low: 0, high: 1, n: 5 } },
    ]);
    const table = gridTable(spec);
    const keys = new Set<string>();
    for (let i = 0; i < table.values.length; i += 3) keys.add(`${table.values[i]},${table.values[i + 1]},${table.values[i + 2]}`);
    expect(keys.size).toBe(60);
    expect(table.values.length).toBe(180);
  });

  test('refuses parameters without a grid and oversized grids', () => {
    const noGrid = parametersSchema.parse([{ path: 'coupling.a', prior: { kind: 'uniform', low: 0, high: 1 } }]);
    expect(() => gridTable(noGrid)).toThrow(InputError);
    expect(() => gridTable(noGrid)).toThrow(/coupling.a have no grid — fix/);
    const huge = parametersSchema.parse([
      { path: 'a.x', grid: { kind: 'linspace', low: 0, high: 1, n: 10000 } },
      { path: 'a.y', grid: { kind: 'linspace', low: 0, high: 1, n: 10000 } },
    ]);
    expect(() => gridTable(huge)).toThrow(/100000000 points, more than 10000000 — fix/);
  });
});
