import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUnicoreServer, type RunningUnicoreServer } from '../../../src/unicore-server/server.js';
import { UnicoreBackend, toJobState } from '../../../src/jobs/unicore/unicore-backend.js';
import { unicoreSettingsSchema } from '../../../src/jobs/unicore/settings.js';
import { parseFaultSpec } from '../../../src/unicore-server/faults.js';
import { RunDir } from '../../../src/store/run-dir.js';
import { credentialEnv } from './fixture.js';

let server: RunningUnicoreServer;
beforeAll(async () => {
  server = await startUnicoreServer();
});
afterAll(async () => server.close());

/** A run directory with placeholder inputs: these tests use jobs that fake the task, not the simulator. */
function fakeRun(): RunDir {
  const run = new RunDir(mkdtempSync(join(tmpdir(), 'hpcinv-uc-be-')));
  for (const f of [run.experiment, run.theta, run.plan]) writeFileSync(f, 'placeholder\n');
  return run;
}

function backend(script: string, extra: Record<string, unknown> = {}): UnicoreBackend {
  const settings = unicoreSettingsSchema.parse({
    ...extra,
    url: server.url, caBundle: server.caPath, pollMaxSeconds: 0.2,
    // `bash -c SCRIPT` gets the template's `task . --chunk …` words as $0 $1 …: the script plays the task.
    launcher: { command: ['bash', '-c', script] },
  });
  return new UnicoreBackend(settings, credentialEnv(server));
}

async function waitDone(b: UnicoreBackend, run: RunDir, id: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const s = (await b.poll(run.root, [id])).get(id)!;
    if (!['pending', 'running'].includes(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

describe('UNICORE backend hooks', () => {
  test('a download that does not match its done-marker is not written into the run', async () => {
    const run = fakeRun();
    const b = backend('mkdir -p chunks; printf abcd > chunks/chunk-000000.arrow; ' +
      'echo "{\\"chunk\\":0,\\"rows\\":1,\\"bytes\\":4,\\"sha256\\":\\"$(printf abce | sha256sum | cut -c1-64)\\"}" > chunks/chunk-000000.done.json; echo task ran');
    await b.stageIn(run.root);
    const [task] = await b.submit(run.root, [{ chunk: 0, attempt: 1 }]);
    expect(task.jobId).toMatch(new RegExp(`^${server.url}/jobs/`));
    expect(await waitDone(b, run, task.jobId)).toBe('completed');
    await b.stageOut(run.root, [0]);
    expect(existsSync(run.chunkFile(0))).toBe(false);
    expect(existsSync(run.doneMarker(0))).toBe(false);
    // the job's output still comes home as the chunk's log, under the name the manifest records
    expect(readFileSync(join(run.root, task.log), 'utf8')).toMatch(/task ran/);
    await b.close();
  });

  test('a matching download is written byte for byte, marker last', async () => {
    const run = fakeRun();
    const b = backend('mkdir -p chunks; head -c 100000 /dev/urandom > chunks/chunk-000003.arrow; ' +
      'echo "{\\"chunk\\":3,\\"bytes\\":100000,\\"sha256\\":\\"$(sha256sum < chunks/chunk-000003.arrow | cut -c1-64)\\"}" > chunks/chunk-000003.done.json');
    await b.stageIn(run.root);
    const [task] = await b.submit(run.root, [{ chunk: 3, attempt: 1 }]);
    expect(await waitDone(b, run, task.jobId)).toBe('completed');
    await b.stageOut(run.root, [3]);
    const job = [...server.jobs.jobs.values()].find((j) => task.jobId.endsWith(j.id))!;
    expect(Buffer.compare(readFileSync(run.chunkFile(3)), readFileSync(join(job.storage.root, 'chunks', 'chunk-000003.arrow')))).toBe(0);
    expect(JSON.parse(readFileSync(run.doneMarker(3), 'utf8')).bytes).toBe(100000);
    await b.close();
  });

  test('a download that fails for the moment is skipped without failing the sweep, and works on the next call', async () => {
    const run = fakeRun();
    const b = backend('mkdir -p chunks; printf abcd > chunks/chunk-000004.arrow; ' +
      'echo "{\\"chunk\\":4,\\"bytes\\":4,\\"sha256\\":\\"$(printf abcd | sha256sum | cut -c1-64)\\"}" > chunks/chunk-000004.done.json', { retries: 1 });
    await b.stageIn(run.root);
    const [task] = await b.submit(run.root, [{ chunk: 4, attempt: 1 }]);
    expect(await waitDone(b, run, task.jobId)).toBe('completed');
    server.knobs.faults.push(parseFaultSpec('status:GET:/files/chunks/chunk-000004:2:503'));
    await expect(b.stageOut(run.root, [4])).resolves.toBeUndefined();
    expect(existsSync(run.doneMarker(4))).toBe(false);
    await b.stageOut(run.root, [4]);
    expect(readFileSync(run.chunkFile(4), 'utf8')).toBe('abcd');
    expect(b.completionGraceMs).toBeGreaterThan(0);
    await b.close();
  });

  test('a start whose answer was lost and whose repetition is refused counts as started', async () => {
    const run = fakeRun();
    const b = backend('true');
    await b.stageIn(run.root);
    server.knobs.faults.push(parseFaultSpec('drop-after:POST:/actions/start$:1'), parseFaultSpec('status:POST:/actions/start$:1:500'));
    const [task] = await b.submit(run.root, [{ chunk: 5, attempt: 1 }]);
    expect(server.knobs.faults.every((f) => f.count === 0)).toBe(true);
    expect(await waitDone(b, run, task.jobId)).toBe('completed');
    await b.close();
  });

  test('a failing task maps to failed; inputs were uploaded before the start', async () => {
    const run = fakeRun();
    const b = backend('test -f experiment.yaml -a -f theta.arrow -a -f plan.json || exit 9; exit 4');
    await b.stageIn(run.root);
    const [task] = await b.submit(run.root, [{ chunk: 1, attempt: 1 }]);
    expect(await waitDone(b, run, task.jobId)).toBe('failed');
    const job = [...server.jobs.jobs.values()].find((j) => task.jobId.endsWith(j.id))!;
    expect(job.exitCode).toBe(4);
    await b.close();
  });

  test('a never-started job of an earlier attempt (orchestrator died before start) is deleted on resubmission', async () => {
    const run = fakeRun();
    const b = backend('mkdir -p chunks');
    await b.stageIn(run.root);
    const runId = JSON.parse(readFileSync(join(run.backendDir('unicore'), 'run.json'), 'utf8')).runId;
    const stale = await server.jobs.create(server.accounts[0], {
      Executable: 'true', haveClientStageIn: 'true', Tags: ['hpcinv', `hpcinv-${runId}`, `hpcinv-${runId}-c0`, `hpcinv-${runId}-c0-a1`],
    });
    const [task] = await b.submit(run.root, [{ chunk: 0, attempt: 2 }]);
    expect(server.jobs.jobs.has(stale.id)).toBe(false);
    expect(server.jobs.jobs.get(task.jobId.split('/').pop()!)!.tags).toContain(`hpcinv-${runId}-c0-a2`);
    await b.close();
  });

  test('describe (submit --dry-run) shows the job descriptions, submits nothing, needs no credentials', async () => {
    const run = fakeRun();
    const before = server.jobs.jobs.size;
    const settings = unicoreSettingsSchema.parse({ url: server.url, launcher: { command: ['hpcinv'] } });
    const text = await new UnicoreBackend(settings, {}).describe(run.root, [{ chunk: 2, attempt: 1 }]);
    expect(text).toMatch(/"--chunk",\s*"2"/);
    expect(text).toMatch(/"haveClientStageIn": "true"/);
    expect(server.jobs.jobs.size).toBe(before);
  });

  test('missing run inputs are reported with the fix', async () => {
    const run = new RunDir(mkdtempSync(join(tmpdir(), 'hpcinv-uc-empty-')));
    await expect(backend('true').stageIn(run.root)).rejects.toThrow(/experiment.yaml is missing — fix: create the run/);
  });

  test('UNICORE states map onto the lifecycle states', () => {
    expect(['READY', 'STAGINGIN', 'QUEUED', 'RUNNING', 'STAGINGOUT', 'SUCCESSFUL', 'UNDEFINED'].map((s) => toJobState(s as never, '')))
      .toEqual(['pending', 'pending', 'pending', 'running', 'running', 'completed', 'unknown']);
    expect(toJobState('FAILED', 'Job aborted.')).toBe('cancelled');
    expect(toJobState('FAILED', 'Job exceeded its runtime limit of 60 s and was killed')).toBe('timeout');
    expect(toJobState('FAILED', 'User application exited with non-zero exit code: 3.')).toBe('failed');
  });
});
