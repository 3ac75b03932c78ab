import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startUnicoreServer, type RunningUnicoreServer } from '../../src/unicore-server/server.js';
import { basic, raw } from './raw-https.js';

let server: RunningUnicoreServer;
beforeAll(async () => {
  server = await startUnicoreServer();
});
afterAll(async () => server.close());

describe('conformance 1: base resource and authentication', () => {
  test('Basic and Bearer credentials select the user role; base lists links and the version', async () => {
    const bearer = { Authorization: `Bearer ${server.accounts[0].tokens[0]}` };
    for (const headers of [basic(server), bearer]) {
      const res = await raw(server, 'GET', '', { headers: { ...headers, Accept: 'application/json' } });
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.client.role.selected).toBe('user');
      expect(body.client.xlogin.UID).toBe(server.accounts[0].user);
      expect(body._links.jobs.href).toBe(`${server.url}/jobs`);
      expect(body._links.storages.href).toBe(`${server.url}/storages`);
      expect(body.server.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  test('no credentials → anonymous (200), not 401; anonymous may not list jobs', async () => {
    const res = await raw(server, 'GET', '');
    expect(res.status).toBe(200);
    expect(res.json().client.role.selected).toBe('anonymous');
    expect(res.headers['x-unicore-securitysession']).toBeUndefined();
    expect((await raw(server, 'GET', '/jobs')).status).toBe(403);
  });

  test('wrong password and wrong token → 403 with an empty body', async () => {
    const badPass = `Basic ${Buffer.from(`${server.accounts[0].user}:nope`).toString('base64')}`;
    for (const Authorization of [badPass, 'Bearer not-a-token']) {
      const res = await raw(server, 'GET', '', { headers: { Authorization } });
      expect(res.status).toBe(403);
      expect(res.body.length).toBe(0);
    }
  });
});

describe('conformance 2: security sessions', () => {
  test('authenticated answers carry session id and lifetime; the session alone authenticates', async () => {
    const first = await raw(server, 'GET', '/jobs', { headers: basic(server) });
    expect(first.status).toBe(200);
    const session = first.headers['x-unicore-securitysession'] as string;
    expect(session).toMatch(/\S{16,}/);
    expect(Number(first.headers['x-unicore-securitysession-lifetime'])).toBe(28_800_000);
    const again = await raw(server, 'GET', '/jobs', { headers: { 'X-UNICORE-SecuritySession': session } });
    expect(again.status).toBe(200);
    expect(again.headers['x-unicore-securitysession']).toBe(session);
  });

  test('unknown or expired session → 432; credentials work again afterwards', async () => {
    expect((await raw(server, 'GET', '/jobs', { headers: { 'X-UNICORE-SecuritySession': 'no-such-session' } })).status).toBe(432);
    const session = (await raw(server, 'GET', '', { headers: basic(server) })).headers['x-unicore-securitysession'] as string;
    server.auth.expireSessions();
    expect((await raw(server, 'GET', '/jobs', { headers: { 'X-UNICORE-SecuritySession': session } })).status).toBe(432);
    const retry = await raw(server, 'GET', '/jobs', { headers: basic(server) });
    expect(retry.status).toBe(200);
    expect(retry.headers['x-unicore-securitysession']).not.toBe(session);
  });

  test('a session past its lifetime is refused', async () => {
    const short = await startUnicoreServer({ sessionLifetimeMs: 150 });
    try {
      const session = (await raw(short, 'GET', '', { headers: basic(short) })).headers['x-unicore-securitysession'] as string;
      expect((await raw(short, 'GET', '/jobs', { headers: { 'X-UNICORE-SecuritySession': session } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
      expect((await raw(short, 'GET', '/jobs', { headers: { 'X-UNICORE-SecuritySession': session } })).status).toBe(432);
    } finally {
      await short.close();
    }
  });

  test('TLS: the generated certificate is verified against the generated CA only', async () => {
    // Without the CA the handshake must fail: the server is not trusted by default roots.
    const { request } = await import('node:https');
    const err = await new Promise<Error>((resolve) => {
      const req = request(server.url, { agent: false }, () => resolve(new Error('connected without the CA')));
      req.on('error', resolve);
      req.end();
    });
    expect(err.message).toMatch(/self.signed|unable to (get|verify)|certificate/i);
  });
});
