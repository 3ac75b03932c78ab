import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { RunDir } from '../../src/store/run-dir.js';
import { removeStaleChunkTemps } from '../../src/store/stale-temps.js';

let root: string;
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('only temps of idle chunks whose writer is gone are removed (real processes decide liveness)', async () => {
  root = mkdtempSync(join(tmpdir(), 'hpcinv-temps-'));
  const run = new RunDir(root);
  mkdirSync(run.chunksDir, { recursive: true });
  const gone = execa(process.execPath, ['-e', '']);
  const deadPid = gone.pid!;
  await gone;
  // A live Node process (a writer), and a live process that is not Node (a reused pid: not a writer).
  const writer = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  const stranger = execa('sleep', ['60']);
  try {
    const files = {
      deadArrow: `chunk-000001.arrow.tmp-${deadPid}`,
      deadMarker: `chunk-000001.done.json.tmp-${deadPid}`,
      reusedPid: `chunk-000002.arrow.tmp-${stranger.pid}`,
      liveWriter: `chunk-000003.arrow.tmp-${writer.pid}`,
      ours: `chunk-000004.arrow.tmp-${process.pid}`,
      inFlight: `chunk-000005.arrow.tmp-${deadPid}`,
      notAChunkTemp: `notes.txt.tmp-${deadPid}`,
      finished: 'chunk-000001.arrow',
    };
    for (const f of Object.values(files)) writeFileSync(join(run.chunksDir, f), 'x');
    const removed = removeStaleChunkTemps(run, (chunk) => chunk !== 5);
    expect(removed.sort()).toEqual([files.deadArrow, files.deadMarker, files.reusedPid].sort());
    expect(readdirSync(run.chunksDir).sort()).toEqual([files.liveWriter, files.ours, files.inFlight, files.notAChunkTemp, files.finished].sort());
  } finally {
    writer.kill('SIGKILL');
    stranger.kill('SIGKILL');
    await Promise.allSettled([writer, stranger]);
  }
});

test('a run without a chunks directory yet has nothing to clean', () => {
  const run = new RunDir(join(tmpdir(), 'hpcinv-no-such-run-dir'));
  expect(existsSync(run.chunksDir)).toBe(false);
  expect(removeStaleChunkTemps(run, () => true)).toEqual([]);
});
