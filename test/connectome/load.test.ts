import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { loadConnectome, integerDelays, rintHalfEven, nonZeroCount, parseTextMatrix } from '../../src/connectome/index.js';
import { InputError } from '../../src/errors.js';

const ref = '/work/shared/refdata/tvb-mpr76';
const refAvailable = existsSync(ref);
const sharedConn = '/work/shared/data/connectivity';

function readCsv(path: string): Float64Array {
  return parseTextMatrix(readFileSync(path, 'utf8'), path).data;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcinv-conn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundled TVB connectomes', () => {
  test('tvb:76 has the facts the spec lists (§2)', () => {
    const c = loadConnectome('tvb:76');
    expect(c.n).toBe(76);
    expect(nonZeroCount(c)).toBe(1560);
    let diag = 0;
    for (let i = 0; i < 76; i++) if (c.weights[i * 76 + i] !== 0) diag++;
    expect(diag).toBe(66);
    expect(Math.max(...c.weights)).toBe(3);
    expect(c.labels[0]).toBe('rA1');
    expect(c.centres?.length).toBe(76 * 3);
    expect(c.cortical?.length).toBe(76);
    expect(c.areas?.length).toBe(76);
    expect(c.hemispheres).toBeUndefined();
  });

  (refAvailable ? test : test.skip)('tvb:76 equals the reference CSV export and its delays match TVB idelays', () => {
    const c = loadConnectome('tvb:76');
    expect(Array.from(c.weights)).toEqual(Array.from(readCsv(join(ref, 'weights.csv'))));
    const tl = readCsv(join(ref, 'tract_lengths.csv'));
    for (let k = 0; k < tl.length; k++) expect(Math.abs(c.tractLengths[k] - tl[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, tl[k]));
    const want = readCsv(join(ref, 'idelays_dt0.01_speed3.csv'));
    expect(Array.from(integerDelays(c, 3, 0.01))).toEqual(Array.from(want));
    expect(Math.max(...integerDelays(c, Infinity, 0.01))).toBe(0);
  });

  test('tvb:68 reads bz2 members; zeroing the diagonal happens before max-normalising', () => {
    const raw = loadConnectome('tvb:68');
    expect(raw.n).toBe(68);
    expect(raw.labels).toHaveLength(68);
    let diagMax = 0;
    let offMax = 0;
    for (let i = 0; i < 68; i++)
      for (let j = 0; j < 68; j++) {
        const w = raw.weights[i * 68 + j];
        if (i === j) diagMax = Math.max(diagMax, w);
        else offMax = Math.max(offMax, w);
      }
    expect(diagMax).toBeGreaterThan(offMax); // the largest raw weight is on the diagonal (deliverable-case §5)
    const c = loadConnectome('tvb:68', { zeroDiagonal: true, normalise: 'max' });
    expect(Math.max(...c.weights)).toBe(1);
    for (let i = 0; i < 68; i++) expect(c.weights[i * 68 + i]).toBe(0);
    expect(c.weights[1]).toBeCloseTo(raw.weights[1] / offMax, 15);
  });

  test('unknown bundled name', () => {
    expect(() => loadConnectome('tvb:99')).toThrow(/not bundled — fix: use one of tvb:68, tvb:76/);
  });

  (existsSync(join(sharedConn, 'connectivity_192.zip')) ? test : test.skip)('members inside a top folder of the zip', () => {
    expect(loadConnectome(join(sharedConn, 'connectivity_192.zip')).n).toBe(192);
  });
});

describe('plain matrices and errors', () => {
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  test('CSV/TSV matrices, a header row, tract lengths and labels', () => {
    const w = write('w.csv', 'a,b\n0,2\n1,0\n');
    const t = write('t.tsv', '0\t30\n30\t0\n');
    const l = write('labels.txt', 'left\nright\n');
    const c = loadConnectome({ weights: w, tractLengths: t, labels: l });
    expect(Array.from(c.weights)).toEqual([0, 2, 1, 0]);
    expect(Array.from(integerDelays(c, 3, 0.1))).toEqual([0, 100, 100, 0]);
    expect(c.labels).toEqual(['left', 'right']);
    const noLengths = loadConnectome({ weights: w });
    expect(Array.from(noLengths.tractLengths)).toEqual([0, 0, 0, 0]);
    expect(noLengths.labels).toEqual(['r0', 'r1']);
  });

  test.each([
    ['non-square', '1,2,3\n4,5,6\n', /is 2×3|are 2×3.*fix: give a square matrix/],
    ['ragged', '1,2\n3\n', /line 2 has 1 values.*fix/],
    ['NaN', '0,nan\n1,0\n', /non-finite value \(NaN\) at row 1, column 2 — fix/],
    ['inf', '0,inf\n1,0\n', /non-finite value \(Infinity\).*fix/],
    ['negative', '0,-1\n1,0\n', /negative value \(-1\) at row 1, column 2 — fix/],
    ['empty', '\n\n', /is empty — fix/],
    ['text', '0,1\n1,x\n', /not a number \('x'\).*fix/],
  ])('rejects a %s weights file, naming the file', (_name, text, msg) => {
    const p = write(`bad-${_name}.csv`, text);
    const run = () => loadConnectome({ weights: p });
    expect(run).toThrow(InputError);
    expect(run).toThrow(msg);
    expect(run).toThrow(p);
  });

  test('mismatched weights and tract lengths', () => {
    const w = write('w2.csv', '0,1\n1,0\n');
    const t = write('t3.csv', '0,1,1\n1,0,1\n1,1,0\n');
    expect(() => loadConnectome({ weights: w, tractLengths: t })).toThrow(/3×3 but weights are 2×2 — fix/);
  });

  test('a zip with the wrong member names lists what it holds', () => {
    const p = join(dir, 'wrong.zip');
    writeFileSync(p, zipSync({ 'W.txt': new TextEncoder().encode('0 1\n1 0\n'), 'tract_lengths.txt': new TextEncoder().encode('0 1\n1 0\n') }));
    expect(() => loadConnectome(p)).toThrow(/has no weights.txt .*it holds: W.txt, tract_lengths.txt — fix/);
  });

  test('a directory of TVB member files with hemispheres', () => {
    const d = join(dir, 'conn');
    mkdirSync(d);
    writeFileSync(join(d, 'weights.txt'), '0 1\n2 0\n');
    writeFileSync(join(d, 'tract_lengths.txt'), '0 10\n10 0\n');
    writeFileSync(join(d, 'hemispheres.txt'), 'True\nFalse\n');
    writeFileSync(join(d, 'centres.txt'), 'lA 1 2 3\nrA 4 5 6\n');
    const c = loadConnectome(d, { normalise: 'max' });
    expect(Array.from(c.weights)).toEqual([0, 0.5, 1, 0]);
    expect(Array.from(c.hemispheres!)).toEqual([1, 0]);
    expect(c.labels).toEqual(['lA', 'rA']);
  });

  test('missing path and corrupt zip', () => {
    expect(() => loadConnectome(join(dir, 'nope.zip'))).toThrow(/does not exist — fix/);
    const p = write('junk.zip', 'not a zip');
    expect(() => loadConnectome(p)).toThrow(/not a readable zip.*fix/);
  });
});

test('rint rounds half to even like numpy', () => {
  expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(rintHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3]);
});
