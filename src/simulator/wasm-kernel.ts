import { zigguratTables } from './rng.js';
import { kernelWasmBase64 } from './wasm/kernel-wasm.js';

/**
 * The WebAssembly kernel (wasm/*.c): the same arithmetic as kernel.ts, bit for bit, with the batch state
 * in the instance's linear memory. One instance per batch; the module is compiled once.
 */
export interface WasmKernel {
  /** Allocates a zeroed typed array in the instance memory (all allocations happen before the first call). */
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
  /** Writes the kernel's State struct: the ints, then the arrays' addresses, in the field order of wasm/kernel.h. */
  bind(fields: { ints: number[]; arrays: (Float64Array | Int32Array)[] }): void;
  /** Long-delay coupling sums and noise of the block of `len` steps starting at k0. */
  beginBlock(k0: number, len: number): void;
  /** Steps k … k+count−1 of the block that started at blockStart, with temporal averages and divergence checks. */
  steps(k: number, count: number, blockStart: number, dt: number): void;
  /** The `fast` generator's ziggurat tables (rng.ts), copied into this instance's memory for fillNormal. */
  zigguratTables(): ZigguratTables;
  /** `count` normals of the `fast` generator whose state (fastStateWords words) is `state`. */
  fillNormal(state: Int32Array, out: Float64Array, count: number, tables: ZigguratTables): void;
  /** The benchmark's memory floor (wasm/roofline.c): sums of the history windows a block reads, and of a run. */
  readWindows(hist: Float64Array, source: Int32Array, delay: Int32Array, ring: number, B: number, k0: number, len: number): number;
  readSequential(data: Float64Array): number;
}

type ZigguratTables = ReturnType<typeof zigguratTables>;

// The project's lib settings carry no WebAssembly types (they come with the DOM lib): the little used here.
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind: 'module';
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
};

/** The module's exports (addresses are byte offsets into its memory). */
interface KernelExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  beginBlock(state: number, k0: number, len: number): void;
  steps(state: number, k: number, count: number, blockStart: number, dt: number): void;
  fillNormal(st: number, out: number, count: number, kn: number, wn: number, fn: number): void;
  readWindows(hist: number, source: number, delay: number, count: number, ring: number, B: number, k0: number, len: number): number;
  readSequential(data: number, count: number): number;
  log(x: number): number;
  exp(x: number): number;
}

let module: WasmModule | null | undefined;

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
function kernelModule(): WasmModule | null {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(Buffer.from(kernelWasmBase64, 'base64'));
    } catch {
      module = null;
    }
  }
  return module;
}

export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** An instance with room for `bytes` of arrays (each allocation is 16-byte aligned: count 16 per array). */
export function createWasmKernel(bytes: number): WasmKernel {
  const mod = kernelModule();
  if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime — fix: use kernel "js" or Node ≥ 16.4');
  const instance = new WebAssembly.Instance(mod, {});
  const ex = instance.exports as KernelExports;
  const structBytes = 64 * 4;
  let next = align(ex.__heap_base.value);
  const need = next + structBytes + bytes;
  const have = ex.memory.buffer.byteLength;
  if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
  const buffer = ex.memory.buffer;
  const take = (byteLength: number): number => {
    const at = next;
    next = align(next + byteLength);
    if (next > buffer.byteLength) throw new Error(`wasm kernel: ${bytes} bytes reserved are too few — this is a bug`);
    return at;
  };
  const state = take(structBytes);
  const f64 = (length: number) => new Float64Array(buffer, take(length * 8), length);
  const i32 = (length: number) => new Int32Array(buffer, take(length * 4), length);
  return {
    f64,
    i32,
    bind({ ints, arrays }) {
      const view = new Int32Array(buffer, state, ints.length + arrays.length);
      ints.forEach((v, k) => (view[k] = v));
      arrays.forEach((a, k) => {
        if (a.buffer !== buffer) throw new Error('wasm kernel: an array outside the instance memory — this is a bug');
        view[ints.length + k] = a.byteOffset;
      });
    },
    beginBlock: (k0, len) => ex.beginBlock(state, k0, len),
    steps: (k, count, blockStart, dt) => ex.steps(state, k, count, blockStart, dt),
    zigguratTables() {
      const t = zigguratTables();
      const copy = { kn: i32(t.kn.length), wn: f64(t.wn.length), fn: f64(t.fn.length) };
      copy.kn.set(t.kn);
      copy.wn.set(t.wn);
      copy.fn.set(t.fn);
      return copy;
    },
    fillNormal: (st, out, count, t) => ex.fillNormal(st.byteOffset, out.byteOffset, count, t.kn.byteOffset, t.wn.byteOffset, t.fn.byteOffset),
    readWindows: (hist, source, delay, ring, B, k0, len) => ex.readWindows(hist.byteOffset, source.byteOffset, delay.byteOffset, source.length, ring, B, k0, len),
    readSequential: (data) => ex.readSequential(data.byteOffset, data.length),
  };
}

/** The kernel's log and exp (wasm/ieee754.c), which must equal V8's Math.log and Math.exp bit for bit. */
export function wasmMath(): { log(x: number): number; exp(x: number): number } {
  const mod = kernelModule();
  if (!mod) throw new Error('WebAssembly SIMD is not available in this runtime — fix: use Node ≥ 16.4');
  const ex = new WebAssembly.Instance(mod, {}).exports as KernelExports;
  return { log: ex.log, exp: ex.exp };
}

function align(x: number): number {
  return (x + 15) & ~15;
}
