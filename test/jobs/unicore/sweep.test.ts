import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startUnicoreServer, type RunningUnicoreServer } from '../../../src/unicore-server/server.js';
import { parseFaultSpec } from '../../../src/unicore-server/faults.js';
import { submitRun, cancelRun } from '../../../src/jobs/sweep.js';
import { gather } from '../../../src/store/gather.js';
import { RunDir } from '../../../src/store/run-dir.js';
import { readManifest } from '../../../src/store/manifest.js';
import { readArrow, column } from '../../../src/store/arrow.js';
import { CLI, credentialEnv, jobsCreated, makeRun, withEnv } from './fixture.js';

const run = promisify(execFile);
let server: RunningUnicoreServer;
beforeAll(async () => {
  server = await startUnicoreServer({ knobs: { maxRunning: 3 } });
});
afterAll(async () => server.close());

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

function expectCompleteDataset(runDir: string, n: number): void {
  const g = gather(new RunDir(runDir));
  expect(g.rows).toBe(n);
  const samples = [...(column(readArrow(g.path), 'sample') as Int32Array)];
  expect(samples).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('whole sweeps through the UNICORE test server', () => {
  test('`hpcinv submit --backend unicore` (the CLI) runs every chunk as a UNICORE job and gathers', async () => {
    const runDir = makeRun(server, { count: 6, chunkSize: 2 });
    const before = jobsCreated(server);
    const { stdout } = await run(process.execPath, [CLI, 'submit', runDir, '--backend', 'unicore', '--json'], {
      env: { ...process.env, ...credentialEnv(server) },
    });
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ backend: 'unicore', chunks: 3, done: 3, exitCode: 0 });
    expect(jobsCreated(server) - before).toBe(3);
    expectCompleteDataset(runDir, 6);
    // logs staged home, named by the attempt
    const logs = readdirSync(join(runDir, 'logs'));
    expect(logs.filter((l) => /^unicore-hpcinv-.*-c\d-a1\.log$/.test(l))).toHaveLength(3);
    expect(readFileSync(join(runDir, 'logs', logs[0]), 'utf8')).toMatch(/chunk \d: 2 simulations/);
    // the password is nowhere: not in the run directory, not in what the server received or stored
    const password = server.accounts[0].password;
    for (const f of [...files(runDir), ...files(join(server.stateDir, 'jobs'))]) {
      expect(readFileSync(f).includes(password)).toBe(false);
    }
    // the jobs are findable by the run's tag
    const runId = JSON.parse(readFileSync(join(runDir, 'backend', 'unicore', 'run.json'), 'utf8')).runId;
    const tagged = [...server.jobs.jobs.values()].filter((j) => j.tags.includes(`hpcinv-${runId}`));
    expect(tagged).toHaveLength(3);
    expect(tagged.every((j) => j.status === 'SUCCESSFUL')).toBe(true);
    // the run's connectome file travelled into each job's working directory
    for (const j of tagged) expect(existsSync(join(j.storage.root, 'inputs', 'connectivity_68.zip'))).toBe(true);
  });

  test('with injected faults (lost submit and start answers, 503s, dropped polls, expired session, a failing node) the dataset is still complete and no chunk is submitted twice', async () => {
    const runDir = makeRun(server, { count: 6, chunkSize: 2, backend: { deleteFinished: true } });
    const before = jobsCreated(server);
    server.knobs.faults.push(
      parseFaultSpec('drop-after:POST:^/jobs$:1'), // the first job is created but the answer is lost
      parseFaultSpec('status:PUT:/files/:2:503'), // two uploads refused
      parseFaultSpec('status:GET:^/jobs/[^/]+$:3:502'), // status polls fail
      parseFaultSpec('drop-before:GET:^/jobs/[^/]+$:2'),
      parseFaultSpec('drop-after:POST:/actions/start$:1'), // a start that went through but lost its answer
    );
    server.knobs.failNextJobs = 1;
    const expire = setInterval(() => server.auth.expireSessions(), 1500);
    const result = await withEnv(credentialEnv(server), () => submitRun(runDir, { backend: 'unicore', quiet: true })).finally(() => clearInterval(expire));
    expect(result).toMatchObject({ chunks: 3, done: 3, exitCode: 0 });
    expectCompleteDataset(runDir, 6);
    const manifest = readManifest(new RunDir(runDir));
    const attempts = new Set(manifest.map((r) => `${r.chunk}:${r.attempt}`));
    expect(attempts.size).toBe(4); // three chunks, one of them twice after the injected node failure
    expect(manifest.some((r) => r.state === 'failed' && r.attempt === 1)).toBe(true);
    expect(jobsCreated(server) - before).toBe(4); // one job per attempt, despite the lost answer
    expect(server.knobs.faults.every((f) => f.count === 0)).toBe(true);
    expect(server.requests.some((r) => r.status === 432)).toBe(true);
    // deleteFinished: nothing of this run is left on the server
    const runId = JSON.parse(readFileSync(join(runDir, 'backend', 'unicore', 'run.json'), 'utf8')).runId;
    expect([...server.jobs.jobs.values()].filter((j) => j.tags.includes(`hpcinv-${runId}`))).toHaveLength(0);
  });

  test('a bundle launcher: the tarball goes to HOME once, the first job unpacks it, every job runs from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-bundle-'));
    mkdirSync(join(dir, 'package', 'dist', 'cli'), { recursive: true });
    // A stand-in for `hpcinv bundle` (building the real one takes minutes): its entry point runs this build.
    writeFileSync(join(dir, 'package', 'dist', 'cli', 'main.js'), `await import(${JSON.stringify(pathToFileURL(CLI).href)});\n`);
    writeFileSync(join(dir, 'package', 'package.json'), '{"type": "module"}\n');
    execFileSync('tar', ['-czf', join(dir, 'hpcinv.tgz'), '-C', dir, 'package']);
    const bundlePuts = () => server.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/storages/HOME/files/hpcinv/bundles/')).length;
    for (const expectedPuts of [1, 1]) {
      const runDir = makeRun(server, { count: 4, chunkSize: 2, backend: { launcher: { bundle: join(dir, 'hpcinv.tgz') } } });
      const result = await withEnv(credentialEnv(server), () => submitRun(runDir, { backend: 'unicore', quiet: true }));
      expect(result).toMatchObject({ done: 2, exitCode: 0 });
      expectCompleteDataset(runDir, 4);
      expect(bundlePuts()).toBe(expectedPuts); // the second run finds the tarball already there
    }
    const home = join(server.stateDir, 'homes', server.accounts[0].user, 'hpcinv', 'bundles');
    expect(readdirSync(home).filter((f) => /^[0-9a-f]{64}$/.test(f))).toHaveLength(1);
  });

  test('a new orchestrator re-attaches to running jobs instead of submitting again', async () => {
    server.knobs.queueDelayMs = 1500;
    try {
      const runDir = makeRun(server, { count: 4, chunkSize: 2 });
      const before = jobsCreated(server);
      const ac = new AbortController();
      const first = withEnv(credentialEnv(server), () => submitRun(runDir, { backend: 'unicore', quiet: true, signal: ac.signal }));
      for (let i = 0; i < 200 && jobsCreated(server) - before < 2; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      const r1 = await first;
      expect(r1.detached).toBe(true);
      const second = await withEnv(credentialEnv(server), () => submitRun(runDir, { backend: 'unicore', quiet: true }));
      expect(second).toMatchObject({ done: 2, exitCode: 0 });
      expect(jobsCreated(server) - before).toBe(2);
      expectCompleteDataset(runDir, 4);
    } finally {
      server.knobs.queueDelayMs = 0;
    }
  });

  test('`hpcinv cancel` aborts the UNICORE jobs', async () => {
    server.knobs.queueDelayMs = 60_000;
    try {
      const runDir = makeRun(server, { count: 4, chunkSize: 2 });
      const before = jobsCreated(server);
      const sweep = withEnv(credentialEnv(server), () => submitRun(runDir, { backend: 'unicore', quiet: true }));
      for (let i = 0; i < 200 && jobsCreated(server) - before < 2; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      const cancelled = await withEnv(credentialEnv(server), () => cancelRun(runDir));
      expect(cancelled.jobs).toHaveLength(2);
      const result = await sweep;
      expect(result.cancelled).toBe(true);
      const runId = JSON.parse(readFileSync(join(runDir, 'backend', 'unicore', 'run.json'), 'utf8')).runId;
      const jobs = [...server.jobs.jobs.values()].filter((j) => j.tags.includes(`hpcinv-${runId}`));
      // The orchestrator may resubmit an aborted chunk once before it sees the CANCEL file (the
      // lifecycle checks it at the top of its loop); those jobs are aborted too. None is left running.
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      for (const j of jobs) expect([j.status, j.statusMessage]).toEqual(['FAILED', 'Job aborted.']);
    } finally {
      server.knobs.queueDelayMs = 0;
    }
  });
});
