import { chunkSizeFor, planChunks } from '../../src/jobs/plan.js';

test('chunks cover every sample exactly once, in order', () => {
  for (const [n, size] of [[10, 3], [10, 10], [10, 20], [1, 1], [1000, 7]]) {
    const chunks = planChunks(n, size);
    const seen: number[] = [];
    chunks.forEach((c, i) => {
      expect(c.id).toBe(i);
      expect(c.end - c.start).toBeLessThanOrEqual(size);
      for (let s = c.start; s < c.end; s++) seen.push(s);
    });
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
  }
});

test('bad sizes are refused with a fix', () => {
  expect(() => planChunks(10, 0)).toThrow(/fix:/);
  expect(() => planChunks(0, 5)).toThrow(/fix:/);
});

test('chunk size follows the target duration, rounds to whole batches, and leaves work for every worker', () => {
  // 600 s target at 2 s per simulation = 300 simulations; a multiple of batch 8 → 296.
  expect(chunkSizeFor({ nSamples: 100000, secondsPerSimulation: 2, targetSeconds: 600, batchSize: 8, minChunks: 2 })).toBe(296);
  // Slow simulations: never below one per chunk.
  expect(chunkSizeFor({ nSamples: 100, secondsPerSimulation: 5000, targetSeconds: 600, batchSize: 8, minChunks: 2 })).toBe(1);
  // Few samples: split across the 4 workers rather than one big chunk.
  expect(chunkSizeFor({ nSamples: 40, secondsPerSimulation: 0.01, targetSeconds: 600, batchSize: 4, minChunks: 4 })).toBe(10);
});
