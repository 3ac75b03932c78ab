import { kernelWasmBase64 } from './wasm/kernel-wasm.js';

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
}

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
  return {
    f64: (length) => new Float64Array(buffer, take(length * 8), length),
    i32: (length) => new Int32Array(buffer, take(length * 4), length),
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
  };
}

function align(x: number): number {
  return (x + 15) & ~15;
}
