import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { InputError } from '../../src/errors.js';
import { parseNpy } from '../../src/observed/npy.js';
import { parseDelimited } from '../../src/observed/delimited.js';
import { parseArrowBold } from '../../src/observed/arrow-bold.js';
import { readBold } from '../../src/observed/read.js';
import { toTimeSeries } from '../../src/observed/bold-matrix.js';
import { isFeatureFile } from '../../src/observed/kind.js';

/** A .npy file built byte by byte as numpy writes it (format 1.0, header padded to 64 bytes, '\n' last). */
function npy(descr: string, shape: number[], fortran: boolean, data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** 3 regions × 4 samples: region i at time t is 10·i + t (+0.5 so float32 is exact). */
const R = 3;
const T = 4;
const value = (i: number, t: number) => 10 * i + t + 0.5;
const expected = Float64Array.from({ length: R * T }, (_, k) => value(Math.floor(k / T), k % T));
const labels = ['lh-a', 'lh-b', 'rh-a'];

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'hpcinv-observed-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.npy', () => {
  test('float64 C order, float64 Fortran order and float32 give the same regions × time matrix', () => {
    const c = new Float64Array(R * T);
    const f = new Float64Array(R * T);
    const c32 = new Float32Array(R * T);
    for (let i = 0; i < R; i++) {
      for (let t = 0; t < T; t++) {
        c[i * T + t] = value(i, t);
        c32[i * T + t] = value(i, t);
        f[t * R + i] = value(i, t); // Fortran: first index fastest
      }
    }
    for (const [descr, fortran, data] of [['<f8', false, c], ['<f8', true, f], ['<f4', false, c32]] as const) {
      const m = parseNpy(npy(descr, [R, T], fortran, new Uint8Array(data.buffer)), 'x.npy');
      expect([m.nRegions, m.nTime]).toEqual([R, T]);
      expect(Array.from(m.values)).toEqual(Array.from(expected));
    }
  });

  test('truncated data, big-endian, integer and 3-D arrays are refused with the fix', () => {
    const full = npy('<f8', [R, T], false, new Uint8Array(new Float64Array(R * T).buffer));
    expect(() => parseNpy(full.subarray(0, full.length - 8), 'cut.npy')).toThrow(/truncated: shape \(3, 4\) needs 96 data bytes but the file has 88 — fix/);
    expect(() => parseNpy(full.subarray(0, 30), 'cut.npy')).toThrow(/truncated header/);
    expect(() => parseNpy(npy('>f8', [R, T], false, new Uint8Array(96)), 'be.npy')).toThrow(/dtype >f8 is not supported.*fix/);
    expect(() => parseNpy(npy('<i4', [R, T], false, new Uint8Array(48)), 'int.npy')).toThrow(InputError);
    expect(() => parseNpy(npy('<f8', [2, 3, 4], false, new Uint8Array(192)), 'cube.npy')).toThrow(/not a 2-D regions × time matrix.*fix/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'junk.npy')).toThrow(/not a \.npy file/);
  });
});

describe('CSV / TSV', () => {
  const rowsText = (sep: string, withLabels: boolean) =>
    Array.from({ length: R }, (_, i) => [...(withLabels ? [labels[i]!] : []), ...Array.from({ length: T }, (_, t) => String(value(i, t)))].join(sep)).join('\n');

  test('numbers only and a first column of labels are regions × time; a header row is time × regions', () => {
    const plain = parseDelimited(rowsText(',', false), 'a.csv');
    expect(plain.labels).toBeUndefined();
    expect(Array.from(plain.values)).toEqual(Array.from(expected));
    const labelled = parseDelimited(`# exported\n${rowsText('\t', true)}\n`, 'a.tsv');
    expect(labelled.labels).toEqual(labels);
    expect(Array.from(labelled.values)).toEqual(Array.from(expected));
    const header = ['t,' + labels.join(','), ...Array.from({ length: T }, (_, t) => [t * 2000, ...labels.map((_, i) => value(i, t))].join(','))].join('\r\n');
    const byTime = parseDelimited(header, 'b.csv');
    expect(byTime.labels).toEqual(labels);
    expect([byTime.nRegions, byTime.nTime]).toEqual([R, T]);
    expect(Array.from(byTime.values)).toEqual(Array.from(expected));
  });

  test('ragged rows, text in the data and NaN are refused', () => {
    expect(() => parseDelimited('1,2,3\n4,5\n', 'r.csv')).toThrow(/line 2 has 2 cells but the first has 3 — fix/);
    expect(() => parseDelimited('a,b\n1,x\n2,3\n', 'x.csv')).toThrow(/'x' at row 2, column 2 is not a number — fix/);
    const file = join(dir, 'nan.csv');
    writeFileSync(file, '1,2,3\n4,nan,6\n7,8,9\n');
    expect(() => readBold(file, ['a', 'b', 'c'])).toThrow(/region 1 has NaN at time sample 1 — fix/);
  });
});

describe('Arrow', () => {
  test('float64 and float32 columns, a t column dropped, labels from non-generic names', () => {
    const cols: Record<string, Float64Array | Float32Array> = { t: Float64Array.from({ length: T }, (_, t) => t * 2000) };
    labels.forEach((l, i) => {
      const column = Array.from({ length: T }, (_, t) => value(i, t));
      cols[l] = i === 1 ? Float32Array.from(column) : Float64Array.from(column);
    });
    const m = parseArrowBold(tableToIPC(tableFromArrays(cols), 'file'), 'x.arrow');
    expect(m.labels).toEqual(labels);
    expect(Array.from(m.values)).toEqual(Array.from(expected));
    const generic = parseArrowBold(tableToIPC(tableFromArrays({ bold0: new Float64Array(T), bold1: new Float64Array(T), bold2: new Float64Array(T) }), 'file'), 'g.arrow');
    expect(generic.labels).toBeUndefined();
    expect(() => parseArrowBold(new Uint8Array([1, 2, 3]), 'bad.arrow')).toThrow(/not a readable Arrow IPC file.*fix/);
  });
});

describe('checks against the connectome', () => {
  test('wrong region count names the count and hints at a transposed matrix', () => {
    const file = join(dir, 'wide.csv');
    writeFileSync(file, '1,2,3\n4,5,6\n'); // 2 rows (regions) × 3 samples
    expect(() => readBold(file, ['a', 'b', 'c'])).toThrow(/has 2 regions but the connectome of this run has 3 \(it has 3 time samples: is the matrix transposed\?.*fix/);
    expect(() => readBold(file, ['a', 'b', 'c', 'd'])).toThrow(/has 2 regions but the connectome of this run has 4 — fix/);
  });

  test('labels in another order are refused, naming where the region sits in the connectome', () => {
    const file = join(dir, 'order.csv');
    writeFileSync(file, 'lh-b,1,2\nlh-a,3,4\nrh-a,5,6\n');
    expect(() => readBold(file, labels)).toThrow(/region 0 is 'lh-b' but the connectome's region 0 is 'lh-a'; 'lh-b' is region 1 of the connectome.*fix: reorder/);
    writeFileSync(file, 'LH-A,1,2\nlh-b,3,4\nrh-a,5,6\n');
    expect(readBold(file, labels).nRegions).toBe(3); // case and spaces do not matter
    expect(() => readBold(join(dir, 'x.mat'), labels)).toThrow(/does not exist/);
    writeFileSync(join(dir, 'x.mat'), '');
    expect(() => readBold(join(dir, 'x.mat'), labels)).toThrow(/unknown observed-data format '.mat'/);
  });

  test('toTimeSeries transposes to time × regions with times k·period', () => {
    const ts = toTimeSeries({ nRegions: R, nTime: T, values: expected, source: 's' }, 2000);
    expect(ts.data[2 * R + 1]).toBe(value(1, 2));
    expect(Array.from(ts.time)).toEqual([0, 2000, 4000, 6000]);
  });
});

test('a features file is JSON or a header with exactly one row; anything else is BOLD', () => {
  const f = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  expect(isFeatureFile(f('o.json', '{}'))).toBe(true);
  expect(isFeatureFile(f('o.csv', 'fc_sum,fcd_sum\n1,2\n'))).toBe(true);
  expect(isFeatureFile(f('b.csv', 'lh,rh\n1,2\n3,4\n'))).toBe(false);
  expect(isFeatureFile(f('n.csv', '1,2\n3,4\n'))).toBe(false);
  expect(isFeatureFile(f('b.npy', ''))).toBe(false);
});
