import { readFileSync } from 'node:fs';
import { DataType, Precision, Table, Utf8, makeVector, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { writeFileAtomic } from './atomic.js';
import { InputError } from '../errors.js';

/** A column of a table the project writes: integers, doubles or strings. */
export type Column = Int32Array | Float64Array | string[];

/** Columns in order; every column has the same length. */
export interface ColumnTable {
  names: string[];
  columns: Column[];
}

export function tableLength(t: ColumnTable): number {
  return t.columns.length === 0 ? 0 : t.columns[0].length;
}

/** Encode as an Arrow IPC *file* (not stream), which pyarrow.feather, polars and pandas open directly. */
export function encodeArrow(t: ColumnTable): Uint8Array {
  const n = tableLength(t);
  const vectors: Record<string, ReturnType<typeof makeVector>> = {};
  t.names.forEach((name, i) => {
    const col = t.columns[i];
    if (col.length !== n) throw new Error(`column ${name} has ${col.length} rows, expected ${n}`);
    if (name in vectors) throw new Error(`duplicate column name ${name}`);
    vectors[name] = Array.isArray(col) ? vectorFromArray(col, new Utf8()) : makeVector(col);
  });
  return tableToIPC(new Table(vectors), 'file');
}

export function writeArrow(path: string, t: ColumnTable): Uint8Array {
  const bytes = encodeArrow(t);
  writeFileAtomic(path, bytes);
  return bytes;
}

/** Decode an Arrow IPC file or stream into typed columns (int32 → Int32Array, float64 → Float64Array, utf8 → string[]). */
export function decodeArrow(bytes: Uint8Array, what: string): ColumnTable {
  let table: Table;
  try {
    // The IPC file format starts and ends with ARROW1; a truncated file loses the trailing magic and footer.
    if (!hasMagic(bytes)) throw new Error('no ARROW1 magic at both ends (truncated or not an Arrow IPC file)');
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new InputError(
      `${what} is not a readable Arrow file (${(err as Error).message}) — fix: regenerate it (the command that wrote it is safe to rerun)`,
    );
  }
  const names: string[] = [];
  const columns: Column[] = [];
  for (const field of table.schema.fields) {
    const vec = table.getChild(field.name)!;
    names.push(field.name);
    const type = field.type;
    if (DataType.isInt(type) && type.bitWidth === 32 && type.isSigned) {
      columns.push(Int32Array.from(vec.toArray() as Int32Array));
    } else if (DataType.isFloat(type) && type.precision === Precision.DOUBLE) {
      columns.push(Float64Array.from(vec.toArray() as Float64Array));
    } else if (DataType.isUtf8(type)) {
      columns.push(Array.from(vec.toArray() as string[], (s) => String(s)));
    } else {
      throw new InputError(`${what}: column ${field.name} has unsupported type ${field.type} — fix: use int32, float64 or utf8 columns`);
    }
  }
  return { names, columns };
}

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

function hasMagic(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  return MAGIC.every((m, i) => b[i] === m && b[b.length - 6 + i] === m);
}

export function readArrow(path: string): ColumnTable {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(`cannot read ${path} — fix: check the path (run \`hpcinv status <run>\` to see what exists)`);
  }
  return decodeArrow(bytes, path);
}

export function column(t: ColumnTable, name: string): Column {
  const i = t.names.indexOf(name);
  if (i < 0) throw new InputError(`column ${name} is missing (have ${t.names.join(', ')}) — fix: regenerate the file`);
  return t.columns[i];
}
