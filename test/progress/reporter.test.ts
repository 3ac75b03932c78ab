import { createReporter, formatDuration, rates } from '../../src/progress/reporter.js';
import type { SweepProgress } from '../../src/jobs/lifecycle.js';

const p = (over: Partial<SweepProgress>): SweepProgress => ({
  chunksTotal: 10,
  chunksDone: 0,
  chunksFailed: 0,
  chunksRunning: 0,
  samplesTotal: 100,
  samplesDone: 0,
  samplesDoneHere: 0,
  elapsedSeconds: 0,
  ...over,
});

test('simulations per second count only work done by this orchestrator; ETA is the rest at that rate', () => {
  // 20 samples were done before a resume, 30 more in 60 s here: 0.5/s, 50 left → 100 s.
  expect(rates(p({ samplesDone: 50, samplesDoneHere: 30, elapsedSeconds: 60 }))).toEqual({ simsPerSecond: 0.5, etaSeconds: 100 });
  expect(rates(p({ elapsedSeconds: 5 })).etaSeconds).toBeNull();
  expect(rates(p({ samplesDone: 100, samplesDoneHere: 0, elapsedSeconds: 1 })).etaSeconds).toBe(0);
  expect([formatDuration(42), formatDuration(125), formatDuration(7260), formatDuration(null)]).toEqual(['42s', '2m05s', '2h01m', '?']);
});

test('without a TTY: plain progress lines, throttled, and the final state always printed', () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const r = createReporter(stream, { plainEveryMs: 60_000 });
  r.update(p({ chunksDone: 1, samplesDone: 10, samplesDoneHere: 10, elapsedSeconds: 10 }));
  r.update(p({ chunksDone: 2, samplesDone: 20, samplesDoneHere: 20, elapsedSeconds: 20 }));
  r.update(p({ chunksDone: 3, samplesDone: 30, samplesDoneHere: 30, elapsedSeconds: 30, chunksRunning: 2 }));
  r.stop();
  expect(lines).toEqual([
    'progress: 1/10 chunks, 10/100 simulations, 0 running, 0 failed, 1.00 sims/s, ETA 1m30s\n',
    'progress: 3/10 chunks, 30/100 simulations, 2 running, 0 failed, 1.00 sims/s, ETA 1m10s\n',
  ]);
});
