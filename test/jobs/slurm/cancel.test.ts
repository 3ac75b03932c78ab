/** `hpcinv cancel` of a SLURM run: the orchestrator stops and the elements still queued or running are scancel'ed. */
import { execFileSync } from 'node:child_process';
import { cancelRun, submitRun } from '../../../src/jobs/sweep.js';
import { readManifest } from '../../../src/store/manifest.js';
import { requireBuild, tempDir } from '../sweep-helpers.js';
import { makeRun } from './sweep-fixture.js';
import { withSlurm } from './test-cluster.js';

beforeAll(requireBuild);

withSlurm('cancelling a SLURM run', () => {
  test('running and pending elements end CANCELLED and nothing is resubmitted', async () => {
    const dir = tempDir('slurm-cancel');
    const hangAll = Array.from({ length: 20 }, (_, c) => `${c} 1 hang`).join('\n') + '\n';
    const run = makeRun(dir, 'test-cluster', { slurm: { maxConcurrent: 2 } }, hangAll);
    const sweep = submitRun(run.root, { quiet: true });
    while (!readManifest(run).some((r) => r.state === 'submitted')) await new Promise((r) => setTimeout(r, 100));
    const { jobs } = await cancelRun(run.root);
    expect(jobs).toHaveLength(20);
    const result = await sweep;
    // The orchestrator either saw the cancel request first, or saw its elements CANCELLED first (the
    // lifecycle checks the request once per round); either way nothing is resubmitted.
    expect(result.cancelled || result.failed.every((f) => /cancelled/.test(f.reason))).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(readManifest(run).filter((r) => r.attempt > 1)).toEqual([]);
    const arrayId = jobs[0]!.split('_')[0]!;
    for (let i = 0; i < 100; i++) {
      const states = execFileSync('squeue', ['-h', '-r', '--states=all', `--jobs=${arrayId}`, '-o', '%T'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (states.length > 0 && states.every((s) => s === 'CANCELLED')) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`array ${arrayId} not cancelled`);
  }, 120_000);
});
