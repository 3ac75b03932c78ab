import { Rng } from '../../src/flow/rng.js';
import { loadReference } from '../../src/sbibm/refdata.js';
import { getTask, simulateDataset } from '../../src/sbibm/tasks.js';

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const variance = (a: number[]): number => {
  const m = mean(a);
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
};

test('reference data loads: gaussian_linear reference samples have the analytic posterior N(x/2, 0.05 I)', () => {
  const ref = loadReference('gaussian_linear', 1);
  expect(ref.samples.length).toBe(10000 * 10);
  for (let j = 0; j < 10; j++) {
    const col = Array.from({ length: 10000 }, (_, i) => ref.samples[i * 10 + j]!);
    expect(Math.abs(mean(col) - 0.5 * ref.observation[j]!)).toBeLessThan(0.01);
    expect(Math.abs(variance(col) - 0.05)).toBeLessThan(0.004);
  }
});

test('two_moons simulator agrees with the reference posterior: inverting x_o gives radii ~ N(0.1, 0.01)', () => {
  const ref = loadReference('two_moons', 3);
  const [x1, x2] = [ref.observation[0]!, ref.observation[1]!];
  const radii = Array.from({ length: 10000 }, (_, i) => {
    const [a, b] = [ref.samples[2 * i]!, ref.samples[2 * i + 1]!];
    const p1 = x1 + Math.abs(a + b) / Math.SQRT2 - 0.25;
    const p2 = x2 - (-a + b) / Math.SQRT2;
    return Math.hypot(p1, p2);
  });
  expect(Math.abs(mean(radii) - 0.1)).toBeLessThan(0.002);
  expect(Math.abs(Math.sqrt(variance(radii)) - 0.01)).toBeLessThan(0.002);
  // and the simulator produces exactly that structure
  const t = getTask('two_moons');
  const theta = Float64Array.of(0.3, -0.4);
  const rng = new Rng(1);
  const r = Array.from({ length: 5000 }, () => {
    const x = t.simulate(theta, rng);
    return Math.hypot(x[0]! + Math.abs(-0.1) / Math.SQRT2 - 0.25, x[1]! - -0.7 / Math.SQRT2);
  });
  expect(Math.abs(mean(r) - 0.1)).toBeLessThan(0.001);
});

test('slcp, gaussian_mixture and gaussian_linear simulators have the documented moments', () => {
  const rng = new Rng(2);
  const slcp = getTask('slcp');
  const th = Float64Array.of(0.5, -1, 1.2, -0.8, 0.7);
  const xs = Array.from({ length: 4000 }, () => slcp.simulate(th, rng));
  const a = xs.flatMap((x) => [x[0]!, x[2]!, x[4]!, x[6]!]);
  const b = xs.flatMap((x) => [x[1]!, x[3]!, x[5]!, x[7]!]);
  expect(Math.abs(mean(a) - 0.5)).toBeLessThan(0.05);
  expect(Math.abs(Math.sqrt(variance(a)) - 1.2 ** 2)).toBeLessThan(0.05);
  expect(Math.abs(Math.sqrt(variance(b)) - 0.8 ** 2)).toBeLessThan(0.03);
  const [ma, mb] = [mean(a), mean(b)];
  const corr = a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0) / (a.length - 1) / Math.sqrt(variance(a) * variance(b));
  expect(Math.abs(corr - Math.tanh(0.7))).toBeLessThan(0.03);

  const gm = getTask('gaussian_mixture');
  const d = Array.from({ length: 20000 }, () => gm.simulate(Float64Array.of(2, -3), rng)[0]! - 2);
  expect(Math.abs(variance(d) - 0.505)).toBeLessThan(0.03);
  expect(d.filter((v) => Math.abs(v) < 0.05).length / d.length).toBeGreaterThan(0.19); // the narrow component

  const gl = getTask('gaussian_linear');
  const { theta, x } = simulateDataset(gl, 3000, 5);
  const diff = Array.from(x, (v, i) => v - theta[i]!);
  expect(Math.abs(variance(diff) - 0.1)).toBeLessThan(0.005);
  expect(Math.abs(variance(Array.from(theta)) - 0.1)).toBeLessThan(0.005);
});
