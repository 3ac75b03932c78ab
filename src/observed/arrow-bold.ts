/**
 * Arrow IPC BOLD: time × regions, one float64 or float32 column per region, in the connectome's order —
 * the layout `hpcinv simulate -m balloon -o bold.arrow` writes (`t, bold0, bold1, …`). A `t` or `time`
 * column is dropped. Column names that are not generic (`bold<i>`, `r<i>`, `x<i>`, `<i>`) are region labels
 * and are checked against the connectome's.
 */
import { readFileSync } from 'node:fs';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { BoldMatrix } from './bold-matrix.js';

const GENERIC = /^(bold|r|x|region)?_?\d+$/i;

export function parseArrowBold(bytes: Uint8Array, source: string): BoldMatrix {
  let table: Table;
  try {
    // apache-arrow reads unknown bytes as an empty table; insist on the IPC file magic (both ends, so a
    // truncated file is caught) or the stream format's continuation marker.
    const file = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31].every((m, i) => bytes[i] === m && bytes[bytes.length - 6 + i] === m);
    const stream = bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
    if (!file && !stream) throw new Error('no Arrow IPC magic: truncated or not Arrow');
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new InputError(`${source} is not a readable Arrow IPC file (${(e as Error).message}) — fix: write it with pyarrow.feather.write_feather(df, path, compression="uncompressed") or \`hpcinv simulate -o bold.arrow\``);
  }
  const fields = table.schema.fields.filter((f) => !/^(t|time)$/i.test(f.name));
  if (fields.some((f) => f.name === 'sim')) {
    throw new InputError(`${source} holds several simulations (a 'sim' column) — fix: write one subject's series per file`);
  }
  if (fields.length === 0) throw new InputError(`${source} has no region columns — fix: one float64 column per region`);
  const nRegions = fields.length;
  const nTime = table.numRows;
  if (nTime < 2) throw new InputError(`${source} has ${nTime} time samples — fix: give the whole BOLD series, one row per time sample`);
  const values = new Float64Array(nRegions * nTime);
  fields.forEach((f, i) => {
    if (!DataType.isFloat(f.type)) throw new InputError(`${source}: column ${f.name} is ${String(f.type)}, not a float — fix: store the BOLD as float64 (or float32) columns`);
    const col = table.getChild(f.name)!;
    let t = 0;
    for (const v of col) {
      // A null is a missing sample: NaN, refused later with its position.
      values[i * nTime + t++] = v === null ? NaN : Number(v);
    }
  });
  const generic = fields.every((f) => GENERIC.test(f.name));
  return { nRegions, nTime, values, source, ...(generic ? {} : { labels: fields.map((f) => f.name) }) };
}

export function readArrowBold(path: string): BoldMatrix {
  return parseArrowBold(readFileSync(path), path);
}
