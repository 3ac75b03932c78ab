import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { decodeArrow, readArrow, writeArrow } from '../../src/store/arrow.js';
import { writeFileAtomic } from '../../src/store/atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcinv-arrow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('int, double and string columns round-trip, and polars (Rust Arrow) reads the same values', () => {
  const path = join(dir, 't.arrow');
  const table = {
    names: ['sample', 'coupling.a', 'fc_sum', 'status'],
    columns: [Int32Array.from([0, 1, 2]), Float64Array.from([0.1, 0.5, 1.2]), Float64Array.from([3.5, NaN, -1e300]), ['ok', 'diverged', 'ok']],
  };
  writeArrow(path, table);
  const back = readArrow(path);
  expect(back.names).toEqual(table.names);
  expect(Array.from(back.columns[0] as Int32Array)).toEqual([0, 1, 2]);
  expect(back.columns[2]).toEqual(table.columns[2]);
  expect(back.columns[3]).toEqual(['ok', 'diverged', 'ok']);

  // Bytes, not the path: nodejs-polars 0.25.2 fails on every path (even its own files: InvalidFooter).
  const df = pl.readIPC(readFileSync(path));
  expect(df.columns).toEqual(table.names);
  expect(df.getColumn('sample').dtype.equals(pl.Int32)).toBe(true);
  expect(df.getColumn('coupling.a').toArray()).toEqual([0.1, 0.5, 1.2]);
  const fc = df.getColumn('fc_sum').toArray() as number[];
  expect(fc[0]).toBe(3.5);
  expect(Number.isNaN(fc[1])).toBe(true);
  expect(df.getColumn('status').toArray()).toEqual(['ok', 'diverged', 'ok']);
});

test('an unreadable Arrow file gives an error naming the file and the fix', () => {
  expect(() => decodeArrow(new Uint8Array([1, 2, 3]), 'x.arrow')).toThrow(/x.arrow is not a readable Arrow file .*fix:/);
});

test('atomic write leaves no temp file and replaces the old content whole', () => {
  const path = join(dir, 'sub', 'f.json');
  writeFileAtomic(path, 'old');
  writeFileAtomic(path, 'new content');
  expect(readFileSync(path, 'utf8')).toBe('new content');
  expect(readdirSync(join(dir, 'sub'))).toEqual(['f.json']);
});
