import { InputError } from '../../src/errors.js';
import { computeFeatures, createFeatureExtractor, featureNames } from '../../src/features/registry.js';
import { featuresSchema } from '../../src/features/schema.js';
import { selectSource } from '../../src/features/source.js';
import { fcSum, fcUpperTriangle } from '../../src/features/fc.js';
import type { TimeSeries } from '../../src/timeseries.js';

function series(T: number, N: number, periodMs = 2000): TimeSeries {
  const data = new Float64Array(T * N);
  for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) data[t * N + i] = Math.sin(0.3 * t * (i + 1)) + 0.01 * ((t * 7 + i * 13) % 11);
  return { data, nTime: T, nRegions: N, time: Float64Array.from({ length: T }, (_, t) => t * periodMs) };
}

describe('featureNames', () => {
  test('stable names in the order of compute, vectors expanded by index', () => {
    const spec = featuresSchema.parse({ fcd: { window: 3 }, compute: ['fcd_sum', 'fc_triu', 'region_std', 'fc_sum', 'fcd_triu'] });
    const names = featureNames(spec, { nTime: 10, nRegions: 3 });
    // W = 7 windows; pairs b − a ≥ 3: a = 0…3 → 4 + 3 + 2 + 1 = 10
    expect(names).toEqual([
      'fcd_sum',
      'fc_triu_0_1', 'fc_triu_0_2', 'fc_triu_1_2',
      'region_std_0', 'region_std_1', 'region_std_2',
      'fc_sum',
      'fcd_triu_0_3', 'fcd_triu_0_4', 'fcd_triu_0_5', 'fcd_triu_0_6',
      'fcd_triu_1_4', 'fcd_triu_1_5', 'fcd_triu_1_6', 'fcd_triu_2_5', 'fcd_triu_2_6', 'fcd_triu_3_6',
    ]);
  });

  test('refuses an FCD window that leaves no distant window pairs (FCD_SUM ≡ 0 at T = 30, w = 15)', () => {
    const spec = featuresSchema.parse({ fcd: { window: 15 }, compute: ['fcd_sum'] });
    expect(() => featureNames(spec, { nTime: 30, nRegions: 68 })).toThrow(InputError);
    expect(() => featureNames(spec, { nTime: 30, nRegions: 68 })).toThrow(/fix: use fcd.window ≤ 14 at step 1/);
    expect(featureNames(spec, { nTime: 31, nRegions: 68 })).toEqual(['fcd_sum']);
  });

  test('transient in ms is converted with the sample period', () => {
    const spec = featuresSchema.parse({ transient: { ms: 20000 }, fcd: { window: 5 }, compute: ['fcd_triu'] });
    // 30 samples at 2 s, 10 dropped → 20 kept → 15 windows → pairs b − a ≥ 5: 10·11/2 = 55
    expect(featureNames(spec, { nTime: 30, nRegions: 4, samplePeriodMs: 2000 })).toHaveLength(55);
  });

  test('too few regions, samples or an odd region count for halves are refused with the fix', () => {
    expect(() => featureNames(featuresSchema.parse({ compute: ['fc_sum'] }), { nTime: 10, nRegions: 1 })).toThrow(/at least 2 regions/);
    expect(() => featureNames(featuresSchema.parse({ compute: ['region_mean'] }), { nTime: 1, nRegions: 3 })).toThrow(/at least 2 samples/);
    expect(() => featureNames(featuresSchema.parse({ fcd: { window: 3 }, compute: ['fcd_sum'] }), { nTime: 30, nRegions: 2 })).toThrow(
      /FCD features need at least 3 regions.* — fix/,
    );
    expect(() => featureNames(featuresSchema.parse({ compute: ['homotopic_fc'] }), { nTime: 10, nRegions: 5 })).toThrow(
      /halves" needs an even number of regions \(got 5\) — fix/,
    );
    expect(() => featureNames(featuresSchema.parse({ regionPairing: 'connectome', compute: ['homotopic_fc'] }), { nTime: 10, nRegions: 4 })).toThrow(
      /connectome names no hemispheres — fix/,
    );
  });
});

describe('computeFeatures', () => {
  test('transient removal happens before the features', () => {
    const s = series(40, 4);
    const spec = featuresSchema.parse({ transient: { samples: 10 }, compute: ['fc_sum', 'region_mean'] });
    const result = computeFeatures(s, spec);
    const tail: TimeSeries = { ...s, nTime: 30, data: s.data.slice(40), time: s.time.slice(10) };
    expect(result.values[0]).toBeCloseTo(fcSum(fcUpperTriangle(tail)), 14);
    let mean0 = 0;
    for (let t = 10; t < 40; t++) mean0 += s.data[t * 4] / 30;
    expect(result.values[1]).toBeCloseTo(mean0, 14);
  });

  test('a non-finite sample anywhere (even in the transient) flags the result and makes every value NaN', () => {
    const s = series(40, 4);
    s.data[3 * 4 + 2] = Infinity;
    const spec = featuresSchema.parse({ transient: { samples: 10 }, fcd: { window: 5 }, compute: ['fc_sum', 'fcd_sum', 'region_std'] });
    const result = computeFeatures(s, spec);
    expect(result.names).toHaveLength(6);
    expect(result.values.every(Number.isNaN)).toBe(true);
    expect(result.nonFinite).toBe('Infinity at sample 3 (time 6000 ms), region 2');
  });

  test('connectome pairing from the context is used for homotopic FC', () => {
    const s = series(30, 4);
    const spec = featuresSchema.parse({ regionPairing: 'connectome', compute: ['homotopic_fc', 'fc_triu'] });
    const pairing = { hemisphere: Uint8Array.from([0, 1, 0, 1]), homotopic: [[0, 1], [2, 3]] as Array<readonly [number, number]> };
    const result = computeFeatures(s, spec, { pairing });
    const fc01 = result.values[1]; // fc_triu_0_1
    const fc23 = result.values[6]; // fc_triu_2_3
    expect(result.values[0]).toBeCloseTo((Math.max(fc01, 0) + Math.max(fc23, 0)) / 2, 15);
    expect(() => computeFeatures(s, spec, { pairing: { ...pairing, hemisphere: new Uint8Array(3) } })).toThrow(/covers 3 regions but the series has 4/);
  });

  test('inconsistent series shapes are refused', () => {
    const s = series(10, 3);
    expect(() => computeFeatures({ ...s, nTime: 11 }, featuresSchema.parse({ compute: ['fc_sum'] }))).toThrow(/fix: pass nTime × nRegions values/);
  });
});

describe('selectSource', () => {
  const r = series(5, 2);
  const V = series(5, 2);
  test('picks monitor and variable; balloon has no variable', () => {
    expect(selectSource({ tavg: { r, V } }, { monitor: 'tavg', variable: 'V' })).toBe(V);
    expect(selectSource({ balloon: r }, { monitor: 'balloon', variable: 'r' })).toBe(r);
  });
  test('a monitor that was not recorded is an input error naming the fix', () => {
    expect(() => selectSource({ tavg: { r, V } }, { monitor: 'balloon', variable: 'r' })).toThrow(/add monitors.balloon or change features.source/);
  });
});

describe('createFeatureExtractor', () => {
  test('prepared once, gives the same values as computeFeatures for every series of its shape', () => {
    const spec = featuresSchema.parse({ fcd: { window: 4 }, compute: ['fc_sum', 'fcd_sum', 'region_mean'] });
    const extractor = createFeatureExtractor(spec, { nTime: 30, nRegions: 4, samplePeriodMs: 2000 });
    expect(extractor.names).toEqual(featureNames(spec, { nTime: 30, nRegions: 4 }));
    for (const periodMs of [2000, 1000]) {
      const s = series(30, 4, periodMs);
      expect(Array.from(extractor.compute(s).values)).toEqual(Array.from(computeFeatures(s, spec).values));
    }
    expect(() => extractor.compute(series(31, 4))).toThrow(/prepared for 30 × 4 — fix/);
  });
});
