import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startUnicoreServer, type RunningUnicoreServer } from '../../src/unicore-server/server.js';
import { parseFaultSpec } from '../../src/unicore-server/faults.js';
import { finished, raw, submit, userJson, waitFor } from './raw-https.js';

let server: RunningUnicoreServer;
beforeAll(async () => {
  server = await startUnicoreServer({ knobs: { maxRunning: 2 } });
});
afterAll(async () => server.close());

describe('conformance 18: timing and fault knobs', () => {
  test('queue delay keeps a started job QUEUED for that long', async () => {
    server.knobs.queueDelayMs = 600;
    try {
      const t0 = Date.now();
      const url = await submit(server, { Executable: 'true' });
      expect((await waitFor(server, url, (s) => s === 'QUEUED')).batchSystemID).toMatch(/^\d+$/);
      await waitFor(server, url, finished);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    } finally {
      server.knobs.queueDelayMs = 0;
    }
  });

  test('maxRunning limits how many jobs run at once', async () => {
    const urls = await Promise.all([0, 1, 2].map(() => submit(server, { Executable: 'sleep 0.5' })));
    await new Promise((r) => setTimeout(r, 250));
    const states = await Promise.all(urls.map(async (u) => (await raw(server, 'GET', `${u}?fields=status`, { headers: userJson(server) })).json().status));
    expect(states.filter((s) => s === 'RUNNING')).toHaveLength(2);
    expect(states.filter((s) => s === 'QUEUED')).toHaveLength(1);
    for (const u of urls) expect((await waitFor(server, u, finished)).status).toBe('SUCCESSFUL');
  });

  test('failNextJobs fails exactly the next job as a batch-system failure', async () => {
    server.knobs.failNextJobs = 1;
    const bad = await waitFor(server, await submit(server, { Executable: 'sleep 2' }), finished);
    expect(bad.status).toBe('FAILED');
    expect(bad.statusMessage).toMatch(/node failure/);
    const good = await waitFor(server, await submit(server, { Executable: 'true' }), finished);
    expect(good.status).toBe('SUCCESSFUL');
  });

  test('a runtime limit kills the job', async () => {
    const p = await waitFor(server, await submit(server, { Executable: 'sleep 30', Resources: { Runtime: '1' } }), finished);
    expect(p.status).toBe('FAILED');
    expect(p.statusMessage).toMatch(/runtime limit of 1 s/);
  });

  test('status faults answer 503 JSON for the next N matching requests only', async () => {
    server.knobs.faults.push(parseFaultSpec('status:GET:^/jobs$:2:503'));
    const a = await raw(server, 'GET', '/jobs', { headers: userJson(server) });
    const b = await raw(server, 'GET', '/jobs', { headers: userJson(server) });
    const c = await raw(server, 'GET', '/jobs', { headers: userJson(server) });
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.json().status).toBe(503);
  });

  test('drop-after does the work and closes the connection; drop-before does nothing', async () => {
    const before = server.jobs.jobs.size;
    server.knobs.faults.push(parseFaultSpec('drop-before:POST:^/jobs$:1'));
    await expect(submit(server, { Executable: 'true' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.jobs.jobs.size).toBe(before);
    server.knobs.faults.push(parseFaultSpec('drop-after:POST:^/jobs$:1'));
    await expect(submit(server, { Executable: 'true', Tags: ['dropped'] })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.jobs.jobs.size).toBe(before + 1);
    expect(server.requests.filter((r) => r.dropped && r.method === 'POST').map((r) => r.status)).toEqual([0, 201]);
    expect((await raw(server, 'GET', '/jobs?tags=dropped', { headers: userJson(server) })).json().jobs).toHaveLength(1);
  });

  test('delay holds the answer back', async () => {
    server.knobs.faults.push(parseFaultSpec('delay:GET:^/$:1:400'));
    const t0 = Date.now();
    expect((await raw(server, 'GET', '', { headers: userJson(server) })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });

  test('bad fault specs are refused with the fix', () => {
    expect(() => parseFaultSpec('boom:GET:/:1')).toThrow(/fix: write KIND:METHOD/);
  });
});
