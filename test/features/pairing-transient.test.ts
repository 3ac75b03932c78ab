import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import Bunzip from 'seek-bzip';
import { halvesPairing, pairingFromLabels } from '../../src/features/pairing.js';
import { removeTransient, transientSampleCount } from '../../src/features/transient.js';
import type { TimeSeries } from '../../src/timeseries.js';

/** Region labels (first column of centres.txt) of a bundled TVB connectome zip. */
function labelsOf(zipName: string): string[] {
  const files = unzipSync(readFileSync(new URL(`../../data/connectivity/${zipName}`, import.meta.url)));
  const centres = Object.entries(files).find(([name]) => /centres\.txt(\.bz2)?$/.test(name));
  if (!centres) throw new Error(`${zipName} has no centres.txt`);
  const bytes = centres[0].endsWith('.bz2') ? Bunzip.decode(centres[1]) : centres[1];
  return new TextDecoder().decode(bytes).trim().split('\n').map((line) => line.trim().split(/\s+/)[0]);
}

describe('region pairing', () => {
  test('halves pairs i with i + N/2', () => {
    const p = halvesPairing(6);
    expect(Array.from(p.hemisphere)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(p.homotopic).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  test('labels of the kinds TVB connectomes use', () => {
    const p = pairingFromLabels(['ctx-lh-insula', 'Left-Thalamus', 'ctx-rh-insula', 'Right-Thalamus', 'rA1', 'lA1', 'r_cuneus', 'l_cuneus']);
    expect(Array.from(p.hemisphere)).toEqual([0, 0, 1, 1, 1, 0, 1, 0]);
    expect(p.homotopic).toEqual([[0, 2], [1, 3], [5, 4], [7, 6]]);
  });

  test.each(['connectivity_68.zip', 'connectivity_76.zip'])('%s: label pairing equals the halves convention', (zip) => {
    const labels = labelsOf(zip);
    const fromLabels = pairingFromLabels(labels);
    const halves = halvesPairing(labels.length);
    // both connectomes list one hemisphere then the other in the same order
    expect(fromLabels.homotopic.map(([a, b]) => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0])).toEqual(halves.homotopic);
    const flip = fromLabels.hemisphere[0];
    expect(Array.from(fromLabels.hemisphere).map((h) => h ^ flip)).toEqual(Array.from(halves.hemisphere));
  });

  test('a label without a hemisphere marker or a duplicate area is refused with the fix', () => {
    expect(() => pairingFromLabels(['lA1', 'thalamus'])).toThrow(/"thalamus" names no hemisphere .* — fix/);
    expect(() => pairingFromLabels(['lA1', 'l_A1'])).not.toThrow();
    expect(() => pairingFromLabels(['lA1', 'rA1', 'lA1'])).toThrow(/name the same area twice — fix/);
  });
});

describe('transient removal', () => {
  const s: TimeSeries = {
    nTime: 5,
    nRegions: 2,
    data: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    time: Float64Array.from([0, 0.1, 0.2, 0.30000000000000004, 0.4]),
  };
  test('by samples and by ms (ms = k·period drops exactly k despite rounding)', () => {
    expect(transientSampleCount({ samples: 3 }, NaN)).toBe(3);
    expect(transientSampleCount({ ms: 0.3 }, 0.1)).toBe(3);
    expect(transientSampleCount({ ms: 0.25 }, 0.1)).toBe(3);
    expect(transientSampleCount({ ms: 20000 }, 2000)).toBe(10);
    const cut = removeTransient(s, { ms: 0.2 });
    expect(cut.nTime).toBe(3);
    expect(Array.from(cut.data)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(Array.from(cut.time)).toEqual([0.2, 0.30000000000000004, 0.4]);
    expect(removeTransient(s, { samples: 0 })).toBe(s);
  });
  test('removing everything is refused with the fix', () => {
    expect(() => removeTransient(s, { samples: 5 })).toThrow(/leaving none — fix/);
  });
});
