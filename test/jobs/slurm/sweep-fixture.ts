/** The 200-sample sweep of the SLURM integration tests and the helpers that inject and check failures. */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../../../src/experiment/create-run.js';
import { gather } from '../../../src/store/gather.js';
import { column, readArrow } from '../../../src/store/arrow.js';
import { RunDir } from '../../../src/store/run-dir.js';
import { readManifest } from '../../../src/store/manifest.js';
import { packageRoot } from '../../../src/version.js';
import { smallExperiment } from '../sweep-helpers.js';

/**
 * The tasks of these sweeps run for minutes: they start from a private copy of the build, so that a
 * rebuild of dist/ in a shared working copy meanwhile cannot change the code they run (node_modules is
 * shared by a symlink; the copy is readable by the SSH test user). Removed after the test file.
 */
function snapshotBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'hpcinv-test-build-'));
  chmodSync(root, 0o755);
  for (const entry of ['dist', 'package.json', 'data', 'templates', 'slurm']) cpSync(join(packageRoot, entry), join(root, entry), { recursive: true });
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

const build = snapshotBuild();
afterAll(() => rmSync(build, { recursive: true, force: true }));
const faultWrapper = ['bash', join(packageRoot, 'test', 'jobs', 'slurm', 'fixtures', 'fault-wrapper.sh'), process.execPath, join(build, 'dist', 'cli', 'main.js')];

/** 200 samples in 20 chunks of 10, tiny simulations (10 model time units on the 68-region connectome). */
export function makeRun(dir: string, site: string, profile: Record<string, unknown>, faults: string): RunDir {
  const exp = smallExperiment(dir, {
    duration: 10, compute: ['fc_sum', 'region_mean'], count: 200, seed: 11, batchSize: 5, maxAttempts: 1, chunkSize: 10,
    extra: `backend: ${JSON.stringify({ name: 'slurm', site, profile: { hpcinvCommand: faultWrapper, ...profile } })}\n`,
  });
  const run = new RunDir(join(dir, 'run'));
  createRun(exp, run.root);
  // A top-level file of the run: staged in with the inputs, read by the fault wrapper on the node.
  writeFileSync(join(run.root, 'test-faults'), faults);
  return run;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until the first attempt of `chunk` is running on the cluster, then scancel that element. */
export async function scancelWhenRunning(run: RunDir, chunk: number): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const rec = readManifest(run).find((r) => r.chunk === chunk && r.attempt === 1 && r.state === 'submitted' && r.jobId);
    if (rec?.jobId) {
      const state = execFileSync('squeue', ['-h', `--jobs=${rec.jobId.split('_')[0]}`, '-r', '-o', '%i %T'], { encoding: 'utf8' });
      if (state.split('\n').includes(`${rec.jobId} RUNNING`)) {
        execFileSync('scancel', [rec.jobId]);
        return rec.jobId;
      }
    }
    await sleep(250);
  }
  throw new Error(`chunk ${chunk} never ran`);
}

export function failureReasons(run: RunDir): Map<number, string> {
  return new Map(readManifest(run).filter((r) => r.state === 'failed').map((r) => [r.chunk, r.reason ?? '']));
}

export function expectCompleteDataset(run: RunDir): void {
  const g = gather(run);
  expect(g.rows).toBe(200);
  const samples = Array.from(column(readArrow(run.dataset), 'sample') as Int32Array);
  expect(samples).toEqual(Array.from({ length: 200 }, (_, i) => i));
}

