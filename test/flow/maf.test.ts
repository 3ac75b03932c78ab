import './ort-realm.js';
import { initParams, makeFlowConfig } from '../../src/flow/config.js';
import { flowLayout, logProbGraph, sampleGraph } from '../../src/flow/graphs.js';
import { madeMasks } from '../../src/flow/maf.js';
import { Rng } from '../../src/flow/rng.js';
import { createExecutor } from '../../src/flow/runtime.js';

test('MADE masks are autoregressive in the given ordering', () => {
  const ordering = [3, 1, 4, 2];
  const m = madeMasks(ordering, 10);
  const d = 4;
  const h = 10;
  // Connectivity input i → output j through both hidden layers: (Min · Mhh · Mhh · Mout)[i, j].
  const reach = (i: number, j: number): boolean => {
    let v = Array.from({ length: h }, (_, k) => m.input[i * h + k]!);
    for (let layer = 0; layer < 2; layer++) v = Array.from({ length: h }, (_, l) => v.reduce((s, x, k) => s + x * m.hidden[k * h + l]!, 0));
    return v.reduce((s, x, k) => s + x * m.output[k * d + j]!, 0) > 0;
  };
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(reach(i, j)).toBe(ordering[i]! < ordering[j]!);
});

test.each([
  ['MAF', makeFlowConfig(2, 1, { hidden: 10, transforms: 3 }, 4)],
  ['NSF', makeFlowConfig(2, 1, { kind: 'nsf', hidden: 10, transforms: 3, bins: 6 }, 4)],
])('%s: the sampling graph inverts the density graph (sample moments match the integrated density)', async (_name, cfg) => {
  const params = initParams(flowLayout(cfg), 9);
  // Make the random flow clearly non-Gaussian and shifted, and the NSF's LU factors non-trivial (they
  // start as the identity): scale up the initial weights and perturb every parameter.
  const jitter = new Rng(12);
  for (let i = 0; i < params.length; i++) params[i] = 1.5 * params[i]! + 0.15 * jitter.normal();
  const zs = { thetaMean: [0.3, -0.2], thetaStd: [0.7, 1.3], xMean: [0], xStd: [1] };
  const sample = await createExecutor(sampleGraph(cfg, params, zs), 'ort');
  const density = await createExecutor(logProbGraph(cfg, params, zs), 'ort');
  const n = 40000;
  const rng = new Rng(1);
  const eps = Float32Array.from({ length: 2 * n }, () => rng.normal());
  const th = (await sample.run({ x: { dims: [n, 1], data: new Float32Array(n).fill(0.4) }, eps: { dims: [n, 2], data: eps } })).theta!;
  const G = 241;
  const lo = [-6, -8];
  const hi = [6, 8];
  const grid = new Float32Array(G * G * 2);
  for (let a = 0; a < G; a++) for (let c = 0; c < G; c++) {
    grid[2 * (a * G + c)] = lo[0]! + ((hi[0]! - lo[0]!) * a) / (G - 1);
    grid[2 * (a * G + c) + 1] = lo[1]! + ((hi[1]! - lo[1]!) * c) / (G - 1);
  }
  const lp = (await density.run({ theta: { dims: [G * G, 2], data: grid }, x: { dims: [G * G, 1], data: new Float32Array(G * G).fill(0.4) } })).log_prob!;
  const cell = ((hi[0]! - lo[0]!) / (G - 1)) * ((hi[1]! - lo[1]!) / (G - 1));
  let mass = 0;
  const dm = [0, 0];
  for (let i = 0; i < G * G; i++) {
    const w = Math.exp(lp[i]!) * cell;
    mass += w;
    for (let j = 0; j < 2; j++) dm[j]! += w * grid[2 * i + j]!;
  }
  // Samples inside the grid's box: their share must match the density's mass there, and their moments the
  // density's moments restricted to the box.
  const inside: number[] = [];
  for (let i = 0; i < n; i++) {
    if (th[2 * i]! >= lo[0]! && th[2 * i]! <= hi[0]! && th[2 * i + 1]! >= lo[1]! && th[2 * i + 1]! <= hi[1]!) inside.push(i);
  }
  expect(mass).toBeGreaterThan(0.8);
  expect(Math.abs(inside.length / n - mass)).toBeLessThan(0.01);
  const sm = [0, 0];
  const sv = [0, 0];
  for (const i of inside) for (let j = 0; j < 2; j++) sm[j]! += th[2 * i + j]! / inside.length;
  for (const i of inside) for (let j = 0; j < 2; j++) sv[j]! += (th[2 * i + j]! - sm[j]!) ** 2 / inside.length;
  const dv = [0, 0];
  for (let i = 0; i < G * G; i++) for (let j = 0; j < 2; j++) dv[j]! += (Math.exp(lp[i]!) * cell * (grid[2 * i + j]! - dm[j]! / mass) ** 2) / mass;
  for (let j = 0; j < 2; j++) {
    expect(Math.abs(sm[j]! - dm[j]! / mass)).toBeLessThan(0.05);
    expect(Math.abs(sv[j]! / dv[j]! - 1)).toBeLessThan(0.05);
  }
  await sample.release();
  await density.release();
});
