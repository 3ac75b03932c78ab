/**
 * CSV / TSV BOLD (comma- or tab-separated; `#` lines and blank lines ignored). The layout follows from
 * whether the file names its regions:
 *   - a header row of region labels → time × regions: one column per region, one row per time sample
 *     (a first column named `t` or `time`, or with an empty name, holds times and is dropped) — what
 *     `pandas.DataFrame.to_csv` writes for a time × regions frame;
 *   - a first column of region labels (no header) → regions × time, one row per region;
 *   - numbers only → regions × time, one row per region (the matrix as `numpy.savetxt(bold.T)` writes it).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { BoldMatrix } from './bold-matrix.js';

function cellNumber(cell: string): number {
  const c = cell.trim();
  if (c === '' || /^[+-]?nan$/i.test(c)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(c)) return c.startsWith('-') ? -Infinity : Infinity;
  return Number(c);
}

const isNumeric = (cell: string) => !Number.isNaN(cellNumber(cell)) || /^\s*[+-]?nan\s*$/i.test(cell) || cell.trim() === '';

export function parseDelimited(text: string, source: string): BoldMatrix {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) throw new InputError(`${source} is empty — fix: give a regions × time BOLD matrix (see docs/observed-data.md)`);
  const sep = source.toLowerCase().endsWith('.tsv') || lines[0]!.includes('\t') ? '\t' : ',';
  const rows = lines.map((l) => l.split(sep));
  const width = rows[0]!.length;
  rows.forEach((r, k) => {
    if (r.length !== width) throw new InputError(`${source}: line ${k + 1} has ${r.length} cells but the first has ${width} — fix: give every row the same number of values`);
  });
  const number = (cell: string, row: number, col: number) => {
    const v = cellNumber(cell);
    if (Number.isNaN(v) && !/^\s*[+-]?nan\s*$/i.test(cell) && cell.trim() !== '') {
      throw new InputError(`${source}: '${cell.trim()}' at row ${row + 1}, column ${col + 1} is not a number — fix: only the header row or the first column may hold region labels`);
    }
    return v;
  };
  // Region labels across the first row (beyond a leading time or label cell) make it a header.
  const header = rows[0]!.some((c, j) => j > 0 && !isNumeric(c));
  if (header) {
    const first = rows[0]![0]!.trim().toLowerCase();
    const skip = first === '' || first === 't' || first === 'time' ? 1 : 0;
    const labels = rows[0]!.slice(skip).map((s) => s.trim());
    const body = rows.slice(1);
    const nRegions = labels.length;
    const nTime = body.length;
    if (nTime === 0) throw new InputError(`${source} has a header but no data rows — fix: one row per time sample under the region labels`);
    const values = new Float64Array(nRegions * nTime);
    body.forEach((r, t) => labels.forEach((_, i) => (values[i * nTime + t] = number(r[i + skip]!, t + 1, i + skip))));
    return { nRegions, nTime, values, labels, source };
  }
  const labelled = rows.every((r) => !isNumeric(r[0]!));
  const skip = labelled ? 1 : 0;
  const nRegions = rows.length;
  const nTime = width - skip;
  if (nTime < 1) throw new InputError(`${source} has region labels but no values — fix: one row per region with its time series`);
  const values = new Float64Array(nRegions * nTime);
  rows.forEach((r, i) => {
    for (let t = 0; t < nTime; t++) values[i * nTime + t] = number(r[t + skip]!, i, t + skip);
  });
  return { nRegions, nTime, values, source, ...(labelled ? { labels: rows.map((r) => r[0]!.trim()) } : {}) };
}

export function readDelimited(path: string): BoldMatrix {
  return parseDelimited(readFileSync(path, 'utf8'), path);
}
