import { InputError } from '../errors.js';

/** A dense numeric table read from text: `rows × cols`, row-major. */
export interface TextMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Parses a numeric matrix written as text: TVB's whitespace-separated `.txt`, CSV or TSV. Separators are
 * any mix of commas, tabs and spaces; blank lines are skipped. A first line that is not numeric is a header
 * and is skipped (CSV exports often carry one). `what` names the file in errors.
 */
export function parseTextMatrix(text: string, what: string): TextMatrix {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) {
    throw new InputError(`${what} is empty — fix: give a file with one matrix row per line`);
  }
  const splitLine = (l: string): string[] => l.split(/[\s,;]+/).filter((t) => t.length > 0);
  let start = 0;
  if (splitLine(lines[0]).some((t) => Number.isNaN(Number(t)) && !/^[-+]?(nan|inf(inity)?)$/i.test(t))) start = 1;
  const rowsTok = lines.slice(start).map(splitLine);
  if (rowsTok.length === 0) {
    throw new InputError(`${what} has a header but no numbers — fix: give a file with one matrix row per line`);
  }
  const cols = rowsTok[0].length;
  const data = new Float64Array(rowsTok.length * cols);
  rowsTok.forEach((toks, i) => {
    if (toks.length !== cols) {
      throw new InputError(
        `${what}: line ${i + start + 1} has ${toks.length} values but the first row has ${cols} — fix: make every row the same length`,
      );
    }
    toks.forEach((t, j) => {
      const v = parseNumber(t);
      if (v === undefined) {
        throw new InputError(`${what}: line ${i + start + 1}, column ${j + 1} is not a number ('${t}') — fix: use plain decimal numbers`);
      }
      data[i * cols + j] = v;
    });
  });
  return { rows: rowsTok.length, cols, data };
}

function parseNumber(t: string): number | undefined {
  if (/^[-+]?nan$/i.test(t)) return NaN;
  if (/^[-+]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}
