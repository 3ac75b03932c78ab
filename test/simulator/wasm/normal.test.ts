import { XoshiroZiggurat, fastStateWords, zigguratTables } from '../../../src/simulator/rng.js';
import { createWasmKernel } from '../../../src/simulator/wasm-kernel.js';

// wasm/normal.c against the JavaScript generator (rng.ts), the oracle: the same stream bit for bit.
test('the wasm normal stream is the JavaScript generator’s, slow path and tail included (2 million draws)', () => {
  const count = 1_000_000;
  const wasm = createWasmKernel(count * 8 + 4 * fastStateWords + zigguratTables().kn.length * 20 + 16 * 8);
  const t = wasm.zigguratTables();
  const state = wasm.i32(fastStateWords);
  const out = wasm.f64(count);
  for (const seed of [1, 0xdeadbeef]) {
    const js = new XoshiroZiggurat(seed);
    new XoshiroZiggurat(seed).saveState(state, 0);
    const want = new Float64Array(count);
    js.fillNormal(want, 0, count);
    // Odd chunk sizes: the state carries over between calls.
    for (let at = 0; at < count; ) {
      const c = Math.min(count - at, 99_991);
      wasm.fillNormal(state, out.subarray(at), c, t);
      at += c;
    }
    let firstDiff = -1;
    for (let k = 0; k < count && firstDiff < 0; k++) if (!Object.is(out[k], want[k])) firstDiff = k;
    expect(firstDiff).toBe(-1);
    // The stream did take the slow path and the tail (|z| > 3.44) many times.
    expect(want.filter((z) => Math.abs(z) > 3.6541528853610088).length).toBeGreaterThan(150); // expected ≈ 258 per million
  }
});
