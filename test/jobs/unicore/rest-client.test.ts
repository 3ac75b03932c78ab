import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startUnicoreServer, type RunningUnicoreServer } from '../../../src/unicore-server/server.js';
import { parseFaultSpec } from '../../../src/unicore-server/faults.js';
import { TransientError, UnicoreClient } from '../../../src/jobs/unicore/rest-client.js';
import { UnicoreJobs } from '../../../src/jobs/unicore/jobs-api.js';
import type { Credentials } from '../../../src/jobs/unicore/credentials.js';

let server: RunningUnicoreServer;
let ca: string;
beforeAll(async () => {
  server = await startUnicoreServer();
  ca = readFileSync(server.caPath, 'utf8');
});
afterAll(async () => server.close());

const basic = (): Credentials => ({ kind: 'basic', user: server.accounts[0].user, password: server.accounts[0].password });
function client(extra: Partial<ConstructorParameters<typeof UnicoreClient>[0]> = {}): UnicoreClient {
  return new UnicoreClient({ url: server.url, credentials: basic(), ca, initialBackoffMs: 20, maxBackoffMs: 100, ...extra });
}
const since = (n: number) => server.requests.slice(n);

describe('UNICORE REST client', () => {
  test('Basic and Bearer both authenticate as the user', async () => {
    for (const c of [client(), client({ credentials: { kind: 'bearer', token: server.accounts[0].tokens[0] } })]) {
      const me = await new UnicoreJobs(c).whoAmI();
      expect(me.user).toBe(server.accounts[0].user);
      expect(me.jobsUrl).toBe(`${server.url}/jobs`);
      c.close();
    }
  });

  test('after the first answer only the session is sent; a 432 is retried once with credentials', async () => {
    const c = client();
    const api = new UnicoreJobs(c);
    await api.whoAmI();
    const account = server.accounts[0];
    const real = account.password;
    account.password = 'changed-on-the-server';
    try {
      // Credentials are now wrong: success proves the session alone carried the request.
      await expect(api.findByTags(`${server.url}/jobs`, ['x'])).resolves.toEqual([]);
      server.auth.expireSessions();
      const n = server.requests.length;
      // The session is gone and the credentials are wrong: 432, one retry with credentials, 403.
      await expect(api.findByTags(`${server.url}/jobs`, ['x'])).rejects.toThrow(/answered 403 .* — fix: check the credentials/);
      expect(since(n).map((r) => r.status)).toEqual([432, 403]);
    } finally {
      account.password = real;
    }
    await api.whoAmI(); // credentials again → a fresh session
    server.auth.expireSessions();
    const n = server.requests.length;
    await expect(api.findByTags(`${server.url}/jobs`, ['x'])).resolves.toEqual([]);
    expect(since(n).map((r) => r.status)).toEqual([432, 200]);
    c.close();
  });

  test('idempotent requests are retried on 503 and dropped connections, a bounded number of times', async () => {
    const c = client({ retries: 3 });
    server.knobs.faults.push(parseFaultSpec('status:GET:^/$:2:503'), parseFaultSpec('drop-before:GET:^/$:1'));
    let n = server.requests.length;
    await new UnicoreJobs(c).whoAmI();
    expect(since(n).map((r) => r.status)).toEqual([503, 503, 0, 200]);
    server.knobs.faults.push(parseFaultSpec('status:GET:^/$:10:503'));
    n = server.requests.length;
    await expect(new UnicoreJobs(c).whoAmI()).rejects.toBeInstanceOf(TransientError);
    expect(since(n)).toHaveLength(4); // the first try and three retries, no more
    server.knobs.faults = [];
    c.close();
  });

  test('job submission is never retried blindly', async () => {
    const c = client();
    server.knobs.faults.push(parseFaultSpec('status:POST:^/jobs$:1:503'));
    const n = server.requests.length;
    await expect(new UnicoreJobs(c).submit(`${server.url}/jobs`, { Executable: 'true' })).rejects.toBeInstanceOf(TransientError);
    expect(since(n).filter((r) => r.method === 'POST')).toHaveLength(1);
    c.close();
  });

  test('a slow answer times out and is retried', async () => {
    const c = client({ timeoutMs: 300 });
    server.knobs.faults.push(parseFaultSpec('delay:GET:^/$:1:1000'));
    const t0 = Date.now();
    await new UnicoreJobs(c).whoAmI();
    expect(Date.now() - t0).toBeLessThan(1000);
    c.close();
  });

  test('TLS is verified: without the site CA the client refuses and says to set caBundle', async () => {
    const c = new UnicoreClient({ url: server.url, credentials: basic(), retries: 0 });
    await expect(new UnicoreJobs(c).whoAmI()).rejects.toThrow(/set caBundle in the site profile/);
    c.close();
    expect(() => new UnicoreClient({ url: server.url.replace('https', 'http'), credentials: basic() })).toThrow(/not https/);
  });

  test('credentials go only to the configured host, whatever URL the server hands out', async () => {
    const c = client();
    const n = server.requests.length;
    await expect(new UnicoreJobs(c).properties('https://evil.example:443/x/rest/core/jobs/1')).rejects.toThrow(/not on https:\/\/127\.0\.0\.1:\d+ — fix/);
    expect(server.requests.length).toBe(n);
    c.close();
  });

  test('anonymous access (a server that ignores the credentials) is not taken for success', async () => {
    const c = client({ credentials: { kind: 'bearer', token: 'wrong' } });
    await expect(new UnicoreJobs(c).whoAmI()).rejects.toThrow(/403/);
    c.close();
  });

  test('errors never carry the credentials', async () => {
    const password = 'pw-that-must-not-leak';
    const c = client({ credentials: { kind: 'basic', user: 'demouser', password }, retries: 0 });
    const encoded = Buffer.from(`demouser:${password}`).toString('base64');
    for (const call of [() => new UnicoreJobs(c).whoAmI(), () => new UnicoreJobs(new UnicoreClient({ url: 'https://127.0.0.1:1/x/rest/core', credentials: { kind: 'basic', user: 'demouser', password }, retries: 0 })).whoAmI()]) {
      const err = await call().then(() => null, (e: unknown) => e as Error);
      expect(err).not.toBeNull();
      const dump = `${err!.message} ${err!.stack} ${JSON.stringify(err)} ${JSON.stringify(Object.entries(err!))}`;
      expect(dump).not.toContain(password);
      expect(dump).not.toContain(encoded);
    }
    c.close();
  });

  test('files: binary upload and download round-trip, missing file is null', async () => {
    const c = client();
    const api = new UnicoreJobs(c);
    const url = await api.submit(`${server.url}/jobs`, { Executable: 'true', haveClientStageIn: true });
    const wd = await api.workingDirectory(url);
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    await api.upload(wd, 'deep/dir/data bin', bytes);
    expect(Buffer.compare((await api.download(wd, 'deep/dir/data bin'))!, bytes)).toBe(0);
    expect(await api.download(wd, 'nope')).toBeNull();
    expect(await api.action(url, 'start')).toBe(true);
    await api.delete(url);
    expect(await api.status(url)).toBeNull();
    expect(await api.action(url, 'abort')).toBe(false);
    c.close();
  });
});
