import '../flow/ort-realm.js';
import { Rng } from '../../src/flow/rng.js';
import { InputError } from '../../src/errors.js';
import { runNpe } from '../../src/inference/npe.js';
import { priorFromSpec } from '../../src/prior/index.js';

// Conjugate Gaussian: θ ~ N(0, I₂), x = θ + N(0, 0.5² I₂) ⇒ θ | x ~ N(0.8 x, 0.2 I₂).
const prior = priorFromSpec([
  { path: 'model.a', prior: { kind: 'normal', mu: 0, sigma: 1 } },
  { path: 'model.b', prior: { kind: 'normal', mu: 0, sigma: 1 } },
]);

function simulate(n: number, seed: number) {
  const theta = prior.sample(n, seed).values;
  const rng = new Rng(seed + 1);
  return { theta, x: theta.map((t) => t + 0.5 * rng.normal()) };
}

const small = { hidden: 16, transforms: 2 };

test.each([
  ['MAF', small],
  ['NSF', { kind: 'nsf' as const, hidden: 16, transforms: 2, bins: 6 }],
])('%s training recovers the analytic Gaussian posterior', async (_name, flow) => {
  const { theta, x } = simulate(3000, 1);
  const { trained, posterior } = await runNpe({ theta, x, xDim: 2, prior }, { inWorker: false, seed: 3, flow, learningRate: 3e-3, maxEpochs: 60, stopAfterEpochs: 8 });
  expect(trained.bestEpoch).toBeGreaterThan(3);
  const xo = [0.6, -1.2];
  const { samples, acceptance } = await posterior.sample(4000, xo, { seed: 5 });
  expect(acceptance).toBe(1); // a normal prior has unbounded support
  for (let j = 0; j < 2; j++) {
    let m = 0;
    let s2 = 0;
    for (let i = 0; i < 4000; i++) m += samples[i * 2 + j]! / 4000;
    for (let i = 0; i < 4000; i++) s2 += (samples[i * 2 + j]! - m) ** 2 / 3999;
    expect(Math.abs(m - 0.8 * xo[j]!)).toBeLessThan(0.1); // posterior sd is 0.45
    expect(s2).toBeGreaterThan(0.2 * 0.75);
    expect(s2).toBeLessThan(0.2 * 1.3);
  }
  // The flow's log density at the analytic mean is close to the analytic one (log of 1/(2π·0.2)).
  const lp = await posterior.logProb(Float64Array.from([0.8 * xo[0]!, 0.8 * xo[1]!]), xo);
  expect(Math.abs(lp[0]! - Math.log(1 / (2 * Math.PI * 0.2)))).toBeLessThan(0.25);
  const map = await posterior.map(xo, { steps: 100, starts: 10, samples: 200 });
  expect(Math.abs(map.theta[0]! - 0.8 * xo[0]!)).toBeLessThan(0.1);
  expect(Math.abs(map.theta[1]! - 0.8 * xo[1]!)).toBeLessThan(0.1);
  await posterior.release();
});

test('rejection and leakage correction on a bounded prior: the truncated density integrates to 1', async () => {
  const box = priorFromSpec([{ path: 'model.g', prior: { kind: 'uniform', low: 0, high: 1 } }]);
  const theta = box.sample(2000, 4).values;
  const rng = new Rng(9);
  const x = theta.map((t) => t + 0.3 * rng.normal());
  const { posterior } = await runNpe({ theta, x, xDim: 1, prior: box }, { inWorker: false, seed: 1, flow: small, learningRate: 3e-3, maxEpochs: 40, stopAfterEpochs: 6 });
  const xo = [0.02]; // near the edge: a good share of the flow's mass leaks below 0
  const acc = await posterior.acceptanceRate(xo);
  expect(acc).toBeLessThan(0.95);
  const { samples } = await posterior.sample(2000, xo, { seed: 2 });
  for (const s of samples) expect(s >= 0 && s <= 1).toBe(true);
  const grid = Float64Array.from({ length: 2001 }, (_, i) => i / 2000);
  const lp = await posterior.logProb(grid, xo);
  let integral = 0;
  for (let i = 0; i < grid.length; i++) integral += Math.exp(lp[i]!) * (i === 0 || i === grid.length - 1 ? 0.5 : 1) / 2000;
  expect(Math.abs(integral - 1)).toBeLessThan(0.04);
  const unnormalised = await posterior.logProb(grid, xo, { normalize: false });
  expect(unnormalised[500]! - lp[500]!).toBeCloseTo(Math.log(acc), 10);
  expect((await posterior.logProb(Float64Array.of(-0.5), xo))[0]).toBe(-Infinity);
  await posterior.release();
});

describe('bad input', () => {
  test('θ outside the prior, NaN or wrong-width features give clear errors', async () => {
    const box = priorFromSpec([{ path: 'model.g', prior: { kind: 'uniform', low: 0, high: 1 } }]);
    await expect(runNpe({ theta: Float64Array.of(0.2, 1.5, 0.3), x: Float64Array.of(1, 2, 3), xDim: 1, prior: box }, { inWorker: false })).rejects.toThrow(/outside the prior's support.*fix:/);
    await expect(runNpe({ theta: Float64Array.of(0.2, 0.5), x: Float64Array.of(1, 2, 3), xDim: 1, prior: box }, { inWorker: false })).rejects.toThrow(InputError);
    const { theta, x } = simulate(300, 2);
    const { posterior } = await runNpe({ theta, x, xDim: 2, prior }, { inWorker: false, flow: small, maxEpochs: 1 });
    await expect(posterior.sample(10, [Number.NaN, 0])).rejects.toThrow(/NaN.*fix:/);
    await expect(posterior.sample(10, [0, 0, 0])).rejects.toThrow(/3 values but the posterior was trained on 2 features.*fix:/);
    await expect(posterior.logProb(Float64Array.of(0, 0, 1), [0, 0])).rejects.toThrow(InputError);
    await posterior.release();
  });

  test('rows with non-finite features are dropped as sbi does, and counted', async () => {
    const { theta, x } = simulate(400, 3);
    x[5] = Number.NaN;
    x[10] = Infinity;
    const { trained, posterior } = await runNpe({ theta, x, xDim: 2, prior }, { inWorker: false, flow: small, maxEpochs: 1 });
    expect(trained.droppedRows).toBe(2);
    expect(trained.trainRows + trained.validationRows).toBe(398);
    await posterior.release();
  });
});
