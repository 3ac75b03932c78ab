import { checkFeaturesFinite, type BoldMatrix } from '../../src/observed/bold-matrix.js';
import { computeFeatures } from '../../src/features/registry.js';
import { featuresSchema } from '../../src/features/schema.js';

// Region-major BOLD (as read from a file) of 4 regions × 40 samples; region 2 optionally flat.
function bold(flatRegion?: number): BoldMatrix {
  const nRegions = 4, nTime = 40;
  const values = new Float64Array(nRegions * nTime);
  for (let i = 0; i < nRegions; i++) for (let t = 0; t < nTime; t++) values[i * nTime + t] = i === flatRegion ? 0.7 : Math.sin(0.31 * t * (i + 1)) + 0.05 * i;
  return { nRegions, nTime, values, source: 'sub-01.csv' };
}

function features(m: BoldMatrix) {
  const data = new Float64Array(m.nRegions * m.nTime);
  for (let i = 0; i < m.nRegions; i++) for (let t = 0; t < m.nTime; t++) data[t * m.nRegions + i] = m.values[i * m.nTime + t]!;
  const series = { data, nTime: m.nTime, nRegions: m.nRegions, time: Float64Array.from({ length: m.nTime }, (_, t) => 2000 * t) };
  return computeFeatures(series, featuresSchema.parse({ source: { monitor: 'balloon' }, fcd: { window: 5, step: 1 }, compute: ['fc_sum', 'fcd_sum', 'region_mean'] }));
}

const labels = ['lA', 'lB', 'lC', 'lD'];

test('a constant region: the NaN correlation features are refused, naming them and the region', () => {
  const m = bold(2);
  const f = features(m);
  const nan = f.names.filter((_, j) => Number.isNaN(f.values[j]));
  expect(nan.length).toBeGreaterThan(0); // the features really are NaN
  expect(() => checkFeaturesFinite(m, labels, f.names, f.values)).toThrow(
    new RegExp(`^sub-01\\.csv: features ${nan.join(', ')} are not finite — region\\(s\\) lC are constant over time, so their correlations are undefined — fix: `),
  );
});

test('finite features pass; non-finite ones without a flat region get the general cause', () => {
  const m = bold();
  const f = features(m);
  expect(() => checkFeaturesFinite(m, labels, f.names, f.values)).not.toThrow();
  const broken = Float64Array.from(f.values, (v, j) => (j === 0 ? Infinity : v));
  expect(() => checkFeaturesFinite(m, labels, f.names, broken)).toThrow(/features fc_sum are not finite — the series is too short or degenerate for these features — fix: /);
});
