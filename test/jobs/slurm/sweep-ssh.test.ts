/**
 * The sweep of sweep.test.ts through the test sshd as the test user: inputs staged in over SFTP, arrays
 * split above MaxArraySize, two chunks per element, outputs staged out and checked against their
 * done-markers. Needs `scripts/test-cluster/cluster.sh start` and a build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { retryRun, submitRun } from '../../../src/jobs/sweep.js';
import { readManifest } from '../../../src/store/manifest.js';
import { requireBuild, tempDir } from '../sweep-helpers.js';
import { expectCompleteDataset, failureReasons, makeRun, scancelWhenRunning } from './sweep-fixture.js';
import { withSlurmAndSshd } from './test-cluster.js';

beforeAll(requireBuild);

withSlurmAndSshd('the same sweep through SSH (stage-in, split arrays, several chunks per element, stage-out)', () => {
  test('failures are retried and the staged-out dataset is complete with verified checksums', async () => {
    const dir = tempDir('slurm-ssh-sweep');
    // 20 chunks, 2 per element → 10 elements; MaxArraySize 4 → arrays of 4, 4 and 2 with offsets 0, 4, 8.
    const run = makeRun(dir, 'test-cluster-ssh', { slurm: { maxConcurrent: 2, maxArraySize: 4, chunksPerElement: 2 } }, '3 1 exit\n7 1 hang\n15 1 corrupt\n');
    const submitted = submitRun(run.root, { quiet: true });
    await scancelWhenRunning(run, 7);
    const first = await submitted;

    expect(first.exitCode).toBe(1);
    // A failing element fails both of its chunks.
    expect(first.failed.map((f) => f.chunk).sort((a, b) => a - b)).toEqual([2, 3, 6, 7, 14, 15]);
    const reasons = failureReasons(run);
    expect(reasons.get(3)).toMatch(/job failed/);
    expect(reasons.get(7)).toMatch(/job cancelled/);
    // The corrupted file never left the cluster: stage-out checks it against its done-marker.
    expect(reasons.get(15)).toMatch(/completed without valid output/);
    const scripts = readdirSync(join(run.root, 'backend', 'slurm')).filter((f) => f.endsWith('.sh')).map((f) => readFileSync(join(run.root, 'backend', 'slurm', f), 'utf8'));
    expect(scripts.map((s) => /--array=(\S+)/.exec(s)![1]).sort()).toEqual(['0-1', '0-3%2', '0-3%2']);
    expect(scripts.map((s) => /OFFSET=(\d+)/.exec(s)![1]).sort()).toEqual(['0', '4', '8']);

    const second = await retryRun(run.root, { quiet: true, maxAttempts: 1 });
    expect(second.exitCode).toBe(0);
    expectCompleteDataset(run);
    // Jobs ran as the test user, in its home, not in the local run directory.
    const marker = JSON.parse(readFileSync(run.doneMarker(0), 'utf8')) as { jobId: string };
    expect(readFileSync(join(run.logsDir, `${marker.jobId}.log`), 'utf8')).toMatch(/chunk 0: 10 simulations/);
  }, 300_000);
});
