import { createWasmKernel } from '../../../src/simulator/wasm-kernel.js';

// wasm/roofline.c reads what the long-delay coupling reads (the benchmark's memory floor): its sums must
// cover exactly those windows — checked against the windows summed here in plain JavaScript.

test('readWindows sums each connection’s window of len·B doubles, wrapping around the ring end; readSequential sums a run', () => {
  const ring = 50;
  const nNodes = 4;
  const B = 3;
  const len = 16;
  const wasm = createWasmKernel(nNodes * ring * B * 8 + 1024);
  const hist = wasm.f64(nNodes * ring * B);
  hist.forEach((_, k) => (hist[k] = ((k * 7919) % 1000) / 997));
  const source = wasm.i32(5);
  const delay = wasm.i32(5);
  source.set([0, 3, 1, 2, 3]);
  delay.set([20, 45, 33, 10, 2]);
  for (const k0 of [1, 30, 64, 100]) {
    let want = 0;
    for (let c = 0; c < source.length; c++) {
      for (let t = 0; t < len; t++) {
        const slot = (((k0 + t - 1 - delay[c]) % ring) + ring) % ring;
        for (let q = 0; q < B; q++) want += hist[(source[c] * ring + slot) * B + q];
      }
    }
    // Summation order differs (four vector accumulators): equal to rounding.
    expect(wasm.readWindows(hist, source, delay, ring, B, k0, len)).toBeCloseTo(want, 10);
  }
  expect(wasm.readSequential(hist.subarray(7, 7 + 101))).toBeCloseTo(hist.subarray(7, 108).reduce((a, b) => a + b, 0), 10);
});
