import { join } from 'node:path';
import { loadExperimentFile } from '../../src/experiment/load.js';
import { connectomeOf, parameterSetOf, simulationSpecOf } from '../../src/experiment/simulation.js';
import type { Experiment } from '../../src/experiment/schema.js';
import { selectSource } from '../../src/features/source.js';
import { packageRoot } from '../../src/version.js';
import { prepareSimulation, simulateBatch } from '../../src/simulator/index.js';
import { sourcePeriodMs, sourceSampleCount } from '../../src/task/features.js';
import { smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

/** The series the features read, from a real simulation of `exp`. */
function simulatedSource(exp: Experiment, file: string) {
  const connectome = connectomeOf(exp, file);
  const [res] = simulateBatch(prepareSimulation(simulationSpecOf(exp, connectome)), [parameterSetOf(exp, connectome.n)], [1]);
  return selectSource(res!, exp.features.source);
}

// The planner times features on noise of this shape (timing.ts), so it must be the shape a run produces
// (to a sample where a monitor transient cuts through the windows: each monitor labels its own).
test.each([
  ['temporal average, 1 unit', 0, 0],
  ['temporal average after a monitor transient of 12.5 units', 12.5, 1],
])('the feature source has as many samples as a simulation records: %s', (_name, transient, slack) => {
  const file = smallExperiment(tempDir('features-shape'), { duration: 50 });
  const exp = loadExperimentFile(file);
  exp.monitors.transient = transient;
  const series = simulatedSource(exp, file);
  expect(Math.abs(sourceSampleCount(exp) - series.nTime)).toBeLessThanOrEqual(slack);
  expect(series.nTime).toBe(50 - Math.floor(transient));
  expect(series.time[1]! - series.time[0]!).toBeCloseTo(sourcePeriodMs(exp), 9);
});

test('the feature source has as many samples as a simulation records: Balloon BOLD at TR 2 s (the example)', () => {
  const file = join(packageRoot, 'templates', 'experiments', 'example.yaml');
  const exp = loadExperimentFile(file);
  exp.duration = 800; // 8 s of BOLD: 4 samples
  const series = simulatedSource(exp, file);
  expect(sourceSampleCount(exp)).toBe(series.nTime);
  expect(series.nTime).toBe(4);
});
