/**
 * The registry against tvb-inversion's definitions evaluated by numpy/scipy (fixtures/make-reference.py,
 * output committed as fixtures/reference.json): four series from 6 to 68 regions, windows 4–15, steps 1–3.
 */
import { readFileSync } from 'node:fs';
import { computeFeatures, featureNames } from '../../src/features/registry.js';
import { featuresSchema } from '../../src/features/schema.js';
import { FEATURE_KINDS } from '../../src/features/kinds.js';
import type { TimeSeries } from '../../src/timeseries.js';

interface Case {
  nTime: number;
  nRegions: number;
  window: number;
  step: number;
  data: number[];
  expected: Record<string, number | number[]>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

function seriesOf(c: Case): TimeSeries {
  return {
    nTime: c.nTime,
    nRegions: c.nRegions,
    data: Float64Array.from(c.data),
    time: Float64Array.from({ length: c.nTime }, (_, t) => 2000 * t),
  };
}

describe.each(fixture.cases.map((c) => [`${c.nTime}×${c.nRegions}, window ${c.window}, step ${c.step}`, c] as const))('%s', (_label, c) => {
  const spec = featuresSchema.parse({ fcd: { window: c.window, step: c.step }, compute: [...FEATURE_KINDS] });
  const result = computeFeatures(seriesOf(c), spec);
  const byName = new Map(result.names.map((name, k) => [name, result.values[k]]));

  test('names match featureNames and no value is missing', () => {
    expect(result.names).toEqual(featureNames(spec, { nTime: c.nTime, nRegions: c.nRegions }));
    expect(result.nonFinite).toBeUndefined();
    expect(result.values.every(Number.isFinite)).toBe(true);
  });

  test.each(['fc_sum', 'homotopic_fc', 'fcd_sum', 'fcd_var', 'fcd_var_ov', 'fcd_inter_var_ov', 'fcd_stack_std_inter', 'fcd_diff_var_inter'])(
    '%s equals numpy',
    (name) => {
      const expected = c.expected[name] as number;
      expect(Math.abs((byName.get(name) as number) - expected)).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
    },
  );

  test('fc_triu, fcd_triu and region statistics equal numpy/scipy element by element', () => {
    const n = c.nRegions;
    const fc = c.expected.fc_triu as number[];
    let k = 0;
    for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) expect(byName.get(`fc_triu_${i}_${j}`)).toBeCloseTo(fc[k++], 12);
    const W = c.expected.n_windows as number;
    const fcd = c.expected.fcd_triu as number[];
    k = 0;
    for (let a = 0; a + c.window < W; a++) for (let b = a + c.window; b < W; b++) expect(byName.get(`fcd_triu_${a}_${b}`)).toBeCloseTo(fcd[k++], 12);
    expect(k).toBe(fcd.length);
    for (const stat of ['mean', 'std', 'median', 'skew', 'kurtosis']) {
      const expected = c.expected[`region_${stat}`] as number[];
      expected.forEach((v, i) => expect(byName.get(`region_${stat}_${i}`)).toBeCloseTo(v, 11));
    }
  });
});
