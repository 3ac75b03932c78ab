import { kernelWasmBase64 } from './wasm/kernel-wasm.js';
import { zigguratTables, type XoshiroZiggurat } from './rng.js';

/**
 * The WebAssembly kernels (wasm/kernel.c): the same arithmetic as kernel.ts, bit for bit, with the
 * batch state in the instance's linear memory. One instance per batch; the module is compiled once.
 */
export interface WasmKernel {
  /** Allocates a zeroed typed array in the instance memory (all allocations happen before the first call). */
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
  /** Writes the kernel's State struct: the ints, then the arrays' addresses, in the field order of wasm/kernel.c. */
  bind(fields: { ints: number[]; arrays: (Float64Array | Int32Array)[] }): void;
  accumulateBlock(k0: number, len: number): void;
  heunStep(k: number, blockStart: number, dt: number): void;
  /**
   * Normal draws from the generators' streams, fast path in wasm (their states move into the instance:
   * the JavaScript objects are only used, and updated, for the rare slow-path draws).
   */
  normals(gens: readonly XoshiroZiggurat[]): (q: number, out: Float64Array, offset: number, count: number) => void;
}

/** Bytes `normals` takes for B generators (tables and states, with alignment). */
export const normalsBytes = (B: number): number => 128 * 4 + 128 * 8 + B * 8 * 4 + 3 * 16;

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
  const ex = instance.exports as {
    memory: WasmMemory;
    __heap_base: { value: number };
    accumulateBlock: (s: number, k0: number, len: number) => void;
    heunStep: (s: number, k: number, blockStart: number, dt: number) => void;
    fillNormal: (state: number, out: number, count: number, kn: number, wn: number) => number;
  };
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
    accumulateBlock: (k0, len) => ex.accumulateBlock(state, k0, len),
    heunStep: (k, blockStart, dt) => ex.heunStep(state, k, blockStart, dt),
    normals(gens) {
      const tables = zigguratTables();
      const kn = i32(128);
      kn.set(tables.kn);
      const wn = f64(128);
      wn.set(tables.wn);
      const states = i32(8 * gens.length);
      gens.forEach((g, q) => g.saveState(states, 8 * q));
      return (q, out, offset, count) => {
        const st = states.byteOffset + 32 * q;
        let done = 0;
        for (;;) {
          done += ex.fillNormal(st, out.byteOffset + 8 * (offset + done), count - done, kn.byteOffset, wn.byteOffset);
          if (done >= count) return;
          // A slow-path draw: finish it in JavaScript from the state the kernel left, then continue.
          const g = gens[q];
          g.loadState(states, 8 * q);
          out[offset + done] = g.slowNormal(states[8 * q + 4], states[8 * q + 5]);
          g.saveState(states, 8 * q);
          done++;
        }
      };
    },
  };
}

function align(x: number): number {
  return (x + 15) & ~15;
}
