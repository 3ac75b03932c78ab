/**
 * NumPy `.npy` files (format versions 1–3): a 2-D little-endian float64 (`<f8`) or float32 (`<f4`) array,
 * C or Fortran order, read as regions × time (shape `(regions, time)`, like `bold.T` of a TVB time ×
 * regions array). The header is a Python dict literal; only the three keys numpy writes are read.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { BoldMatrix } from './bold-matrix.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, source: string): BoldMatrix {
  const bad = (what: string, fix = 'save it with numpy.save(path, bold.astype("float64"))') => new InputError(`${source}: ${what} — fix: ${fix}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad('truncated header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw bad(`.npy format version ${major} is not supported (1–3 are)`);
  if (start + headerLen > bytes.length) throw bad('truncated header');
  const header = Buffer.from(bytes.subarray(start, start + headerLen)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('malformed header (descr, fortran_order or shape missing)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.length !== 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw bad(`array of shape (${shapeText.trim()}) is not a 2-D regions × time matrix`, 'save a 2-D array of shape (regions, time), e.g. numpy.save(path, bold[:, 0, :, 0].T) for TVB output');
  }
  const itemSize = descr === '<f8' ? 8 : descr === '<f4' ? 4 : 0;
  if (!itemSize) throw bad(`dtype ${descr} is not supported (little-endian float64 <f8 or float32 <f4 are)`, 'convert with bold.astype("<f8")');
  const [nRegions, nTime] = shape as [number, number];
  const count = nRegions * nTime;
  const dataStart = start + headerLen;
  const available = bytes.length - dataStart;
  if (available < count * itemSize) throw bad(`truncated: shape (${nRegions}, ${nTime}) needs ${count * itemSize} data bytes but the file has ${available}`, 'copy the file again (it was cut short)');
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const off = dataStart + k * itemSize;
    const v = itemSize === 8 ? view.getFloat64(off, true) : view.getFloat32(off, true);
    // C order: k = i * nTime + t; Fortran order: k = t * nRegions + i.
    if (fortran === 'True') values[(k % nRegions) * nTime + Math.floor(k / nRegions)] = v;
    else values[k] = v;
  }
  return { nRegions, nTime, values, source };
}

export function readNpy(path: string): BoldMatrix {
  return parseNpy(readFileSync(path), path);
}
