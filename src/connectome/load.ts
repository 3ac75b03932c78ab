import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import Bunzip from 'seek-bzip';
import { InputError } from '../errors.js';
import { packageRoot } from '../version.js';
import { finishConnectome, type Connectome, type ConnectomeOptions } from './connectome.js';
import { parseTextMatrix } from './matrix-text.js';

/** Connectomes shipped in `data/connectivity/`, addressable as `tvb:<name>`. */
export const bundledConnectomes: Record<string, string> = {
  '68': 'connectivity_68.zip',
  '76': 'connectivity_76.zip',
};

/** TVB's member names (each may also be `<name>.txt.bz2`); `weights` and `tract_lengths` are required. */
const memberNames = ['weights', 'tract_lengths', 'centres', 'cortical', 'hemispheres', 'areas'] as const;
type MemberName = (typeof memberNames)[number];

export interface ConnectomeSource {
  /** `tvb:68`, `tvb:76`, a TVB zip, or a directory holding TVB's member files. */
  source?: string;
  /** A weights matrix (CSV, TSV or whitespace text); used instead of `source`. */
  weights?: string;
  /** Tract lengths in mm, same shape as `weights`; without it every delay is 0. */
  tractLengths?: string;
  /** Region labels, one per line; default r0, r1, … */
  labels?: string;
}

/**
 * Loads a connectome from a bundled name, a TVB zip, a directory or plain matrix files, checks it and
 * applies the options. Relative paths resolve against `baseDir` (the experiment file's folder).
 */
export function loadConnectome(spec: ConnectomeSource | string, opts: ConnectomeOptions = {}, baseDir = process.cwd()): Connectome {
  const s: ConnectomeSource = typeof spec === 'string' ? { source: spec } : spec;
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (s.source !== undefined && s.weights !== undefined) {
    throw new InputError('connectome: both `source` and `weights` are given — fix: give either a TVB zip/directory/bundled name, or matrix files');
  }
  if (s.source !== undefined) {
    const m = /^tvb:(.+)$/.exec(s.source);
    if (m) {
      const file = bundledConnectomes[m[1]];
      if (!file) {
        throw new InputError(`connectome '${s.source}' is not bundled — fix: use one of ${Object.keys(bundledConnectomes).map((k) => `tvb:${k}`).join(', ')} or give a path`);
      }
      return finishConnectome(fromMembers(readZip(join(packageRoot, 'data', 'connectivity', file)), s.source), opts);
    }
    const path = at(s.source);
    if (!existsSync(path)) throw new InputError(`connectome ${path} does not exist — fix: give a TVB zip, a directory of TVB files, or tvb:68 / tvb:76`);
    const members = statSync(path).isDirectory() ? readDirectory(path) : readZip(path);
    return finishConnectome(fromMembers(members, path), opts);
  }
  if (s.weights === undefined) {
    throw new InputError('connectome: nothing to load — fix: give `source` (tvb:76, a zip or a directory) or `weights` (+ `tract_lengths`)');
  }
  const wPath = at(s.weights);
  const w = parseTextMatrix(readText(wPath), wPath);
  if (w.rows !== w.cols) throw new InputError(`${wPath}: weights are ${w.rows}×${w.cols} — fix: give a square matrix (row = target, column = source)`);
  let tl: Float64Array = new Float64Array(w.data.length);
  if (s.tractLengths !== undefined) {
    const tPath = at(s.tractLengths);
    const t = parseTextMatrix(readText(tPath), tPath);
    if (t.rows !== w.rows || t.cols !== w.cols) {
      throw new InputError(`${tPath}: tract lengths are ${t.rows}×${t.cols} but weights are ${w.rows}×${w.cols} — fix: give matrices of the same shape`);
    }
    tl = t.data;
  }
  const labels = s.labels !== undefined ? readLines(at(s.labels)) : defaultLabels(w.rows);
  return finishConnectome({ n: w.rows, weights: w.data, tractLengths: tl, labels, source: wPath }, opts);
}

function defaultLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r${i}`);
}

function readText(path: string): string {
  if (!existsSync(path)) throw new InputError(`${path} does not exist — fix: check the path in the experiment file`);
  return decodeMember(new Uint8Array(readFileSync(path)), path);
}

function readLines(path: string): string[] {
  return readText(path).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Member bytes keyed by their base name (`weights.txt.bz2`), from a zip; a single top folder is allowed. */
function readZip(path: string): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(readFileSync(path)));
  } catch (e) {
    throw new InputError(`${path} is not a readable zip (${(e as Error).message}) — fix: give a TVB connectivity zip, a directory, or matrix files`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(files)) if (!name.endsWith('/')) out.set(basename(name), bytes);
  return out;
}

function readDirectory(path: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of readdirSync(path)) {
    const p = join(path, f);
    if (statSync(p).isFile()) out.set(f, new Uint8Array(readFileSync(p)));
  }
  return out;
}

function decodeMember(bytes: Uint8Array, what: string): string {
  if (!what.endsWith('.bz2')) return new TextDecoder().decode(bytes);
  try {
    return new TextDecoder().decode(Bunzip.decode(bytes));
  } catch (e) {
    throw new InputError(`${what} is not valid bzip2 (${(e as Error).message}) — fix: re-create the file or store it uncompressed`);
  }
}

function fromMembers(members: Map<string, Uint8Array>, source: string): Connectome {
  const text = new Map<MemberName, { name: string; text: string }>();
  for (const m of memberNames) {
    for (const name of [`${m}.txt`, `${m}.txt.bz2`, `${m}.csv`]) {
      const bytes = members.get(name);
      if (bytes) {
        text.set(m, { name, text: decodeMember(bytes, `${source}:${name}`) });
        break;
      }
    }
  }
  for (const required of ['weights', 'tract_lengths'] as const) {
    if (!text.has(required)) {
      throw new InputError(
        `${source} has no ${required}.txt (or .txt.bz2); it holds: ${[...members.keys()].join(', ') || 'nothing'} — fix: name the members weights.txt and tract_lengths.txt as TVB does`,
      );
    }
  }
  const matrix = (m: 'weights' | 'tract_lengths') => {
    const t = text.get(m)!;
    const what = `${source}:${t.name}`;
    const mat = parseTextMatrix(t.text, what);
    if (mat.rows !== mat.cols) throw new InputError(`${what} is ${mat.rows}×${mat.cols} — fix: give a square matrix`);
    return mat;
  };
  const w = matrix('weights');
  const tl = matrix('tract_lengths');
  if (tl.rows !== w.rows) {
    throw new InputError(`${source}: tract_lengths is ${tl.rows}×${tl.cols} but weights is ${w.rows}×${w.cols} — fix: give matrices of the same shape`);
  }
  const n = w.rows;
  const c: Connectome = { n, weights: w.data, tractLengths: tl.data, labels: defaultLabels(n), source };
  const centres = text.get('centres');
  if (centres) {
    // TVB's centres.txt: "label x y z" per line.
    const rows = centres.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0).map((l) => l.split(/\s+/));
    c.labels = rows.map((r) => r[0]);
    c.centres = Float64Array.from(rows.flatMap((r) => r.slice(1, 4).map(Number)));
  }
  const vector = (m: 'cortical' | 'hemispheres' | 'areas'): number[] | undefined => {
    const t = text.get(m);
    if (!t) return undefined;
    return t.text.split(/\s+/).filter((x) => x.length > 0).map((x) => (/^true$/i.test(x) ? 1 : /^false$/i.test(x) ? 0 : Number(x)));
  };
  const cortical = vector('cortical');
  if (cortical) c.cortical = Uint8Array.from(cortical);
  const hemispheres = vector('hemispheres');
  if (hemispheres) c.hemispheres = Uint8Array.from(hemispheres);
  const areas = vector('areas');
  if (areas) c.areas = Float64Array.from(areas);
  return c;
}
