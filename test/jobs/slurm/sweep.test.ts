/**
 * A whole sweep on the real test cluster through `hpcinv submit`/`retry` with the slurm backend on the
 * login node, with the failures a cluster produces: a task that exits 1, one cancelled with scancel, one
 * killed at its time limit (SLURM's minimum is a minute, so this test takes about two), one whose output
 * is corrupted. Needs `scripts/test-cluster/cluster.sh start` and a build (`npx tsc -p tsconfig.json`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { retryRun, submitRun } from '../../../src/jobs/sweep.js';
import { readManifest } from '../../../src/store/manifest.js';
import { requireBuild, tempDir } from '../sweep-helpers.js';
import { expectCompleteDataset, failureReasons, makeRun, scancelWhenRunning } from './sweep-fixture.js';
import { withSlurm } from './test-cluster.js';

beforeAll(requireBuild);

withSlurm('a 200-sample sweep as a SLURM array with %2 on the login node', () => {
  test('failed, cancelled, timed-out and corrupted elements are retried; the dataset is complete, no sample twice', async () => {
    const dir = tempDir('slurm-sweep');
    const run = makeRun(dir, 'test-cluster', { slurm: { maxConcurrent: 2, time: '00:01:00' } }, '3 1 exit\n7 1 hang\n11 1 hang\n15 1 corrupt\n');
    const submitted = submitRun(run.root, { quiet: true });
    const cancelled = await scancelWhenRunning(run, 7);
    const first = await submitted;

    expect(first.exitCode).toBe(1);
    expect(first.done).toBe(16);
    expect(first.failed.map((f) => f.chunk).sort((a, b) => a - b)).toEqual([3, 7, 11, 15]);
    const reasons = failureReasons(run);
    expect(reasons.get(3)).toMatch(/job failed/);
    expect(reasons.get(7)).toMatch(/job cancelled/);
    expect(reasons.get(11)).toMatch(/job timeout/);
    expect(reasons.get(15)).toMatch(/completed without valid output \(sha256 differs/);
    expect(readManifest(run).find((r) => r.chunk === 7 && r.state === 'failed')?.jobId).toBe(cancelled);

    // One array of 20 elements, at most 2 running at once, logs named by array and task id.
    const scripts = readdirSync(join(run.root, 'backend', 'slurm')).filter((f) => f.endsWith('.sh'));
    expect(scripts).toHaveLength(1);
    expect(readFileSync(join(run.root, 'backend', 'slurm', scripts[0]!), 'utf8')).toContain('#SBATCH --array=0-19%2\n');
    const arrayId = cancelled.split('_')[0];
    expect(readdirSync(run.logsDir).filter((f) => f.startsWith(`${arrayId}_`))).toHaveLength(20);

    const second = await retryRun(run.root, { quiet: true, maxAttempts: 1 });
    expect(second.exitCode).toBe(0);
    expect(second.done).toBe(4);
    expectCompleteDataset(run);
  }, 300_000);
});

