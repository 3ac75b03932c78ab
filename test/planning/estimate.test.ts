import { estimateCost, costTable } from '../../src/planning/estimate.js';

/** Every expected number below is worked out by hand in the comments. */
const base = { nSamples: 1000, secondsPerSimulation: 12, batchSize: 4, targetTaskMinutes: 10, coresPerTask: 1, concurrency: 50, speedup: 1, confirmAboveCoreHours: 100 };

test('core-hours, chunk size for the target task time, tasks and wall time', () => {
  const e = estimateCost(base);
  // 1000 × 12 s = 12,000 core-seconds = 3.333 core-hours.
  expect(e.coreHours).toBeCloseTo(12000 / 3600, 12);
  // 600 s target / 12 s = 50 simulations, a multiple of the batch of 4 → 48; 1000 / 48 → 21 tasks.
  expect(e.chunkSize).toBe(48);
  expect(e.chunks).toBe(21);
  expect(e.taskMinutes).toBeCloseTo((48 * 12) / 60, 12);
  // 21 tasks on 50 slots: one wave of 576 s.
  expect(e.wallHours).toBeCloseTo(576 / 3600, 12);
  expect(e.withinBudget).toBe(true);
  expect(e.needsConfirmation).toBe(false);
  expect(e.budgetFraction).toBeUndefined();
});

test('cores per task, node speed, concurrency waves and a budget', () => {
  const e = estimateCost({ ...base, coresPerTask: 2, speedup: 1.5, concurrency: 5, budgetCoreHours: 4 });
  // 8 s per simulation on nodes 1.5× faster; 1000 × 8 × 2 cores = 16,000 core-s = 4.444 core-hours > 4.
  expect(e.secondsPerSimulation).toBeCloseTo(8, 12);
  expect(e.coreHours).toBeCloseTo(16000 / 3600, 12);
  expect(e.budgetFraction).toBeCloseTo(16000 / 3600 / 4, 12);
  expect(e.withinBudget).toBe(false);
  // 600 / 8 = 75 → 72 (batch multiple); ceil(1000 / 72) = 14 tasks; 5 at a time → 3 waves × 576 s.
  expect(e.chunkSize).toBe(72);
  expect(e.chunks).toBe(14);
  expect(e.wallHours).toBeCloseTo((3 * 72 * 8) / 3600, 12);
  expect(costTable(e, { backend: 'slurm' })).toMatch(/EXCEEDS the budget/);
});

test('a fixed chunk size is kept; the confirmation threshold is a strict upper bound', () => {
  const e = estimateCost({ ...base, chunkSize: 7, nSamples: 30000 });
  expect(e.chunkSize).toBe(7);
  expect(e.chunks).toBe(Math.ceil(30000 / 7));
  // 30,000 × 12 s = 100 core-hours exactly: not above 100.
  expect(e.coreHours).toBeCloseTo(100, 9);
  expect(estimateCost({ ...base, nSamples: 30000, confirmAboveCoreHours: 100 }).needsConfirmation).toBe(false);
  expect(estimateCost({ ...base, nSamples: 30001, confirmAboveCoreHours: 100 }).needsConfirmation).toBe(true);
});
