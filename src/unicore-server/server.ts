import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Authenticator, SESSION_LIFETIME_HEADER, type Account, type Caller } from './auth.js';
import { generateCertificate } from './cert.js';
import { defaultKnobs, takeFault, type ServerKnobs } from './faults.js';
import { HttpError, errorReply, json, page, unicoreDate, type Reply } from './http-util.js';
import { JobManager } from './jobs.js';
import { routeJobs } from './routes-jobs.js';
import { routeStorages } from './routes-storages.js';
import { findStorage, requireUser, type RequestContext, type ServerState } from './state.js';
import { localPath, storagePath } from './storage.js';

export interface UnicoreServerOptions {
  /** Where jobs, homes and the certificate live; by default a fresh temp dir, removed by `close()`. */
  stateDir?: string;
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  siteName?: string;
  /** Default: one account `demouser` with a random password and a random bearer token. */
  accounts?: Account[];
  knobs?: Partial<ServerKnobs>;
  sessionLifetimeMs?: number;
}

export interface RunningUnicoreServer {
  /** BASE URL: https://127.0.0.1:PORT/SITE/rest/core */
  url: string;
  /** PEM of the CA that signed the server certificate. */
  caPath: string;
  stateDir: string;
  accounts: Account[];
  knobs: ServerKnobs;
  auth: Authenticator;
  jobs: JobManager;
  /**
   * Every request (method, BASE-relative path, status), for assertions on client behaviour. `dropped`:
   * the client got no answer (status 0 when nothing was done, else the status the work ended with).
   */
  requests: { method: string; path: string; status: number; dropped?: boolean }[];
  close(): Promise<void>;
}

const MAX_REQUEST_LOG = 20_000;
const SERVER_VERSION = '10.2.0';

function baseResource(ctx: RequestContext): Reply {
  const { state, caller } = ctx;
  const a = caller.account;
  const client = a
    ? {
        dn: a.dn,
        role: { selected: 'user', availableRoles: ['user'] },
        xlogin: { UID: a.user, availableUIDs: [a.user], group: 'users', availableGroups: ['users'], selectedSupplementaryGroups: [] },
        authenticationMethod: caller.method,
      }
    : { dn: null, role: { selected: 'anonymous', availableRoles: [] }, authenticationMethod: 'NONE' };
  const link = (p: string) => ({ href: `${state.base}/${p}` });
  return json(200, {
    client,
    server: {
      version: SERVER_VERSION,
      siteName: state.siteName,
      currentTime: unicoreDate(Date.now()),
      upSince: unicoreDate(state.upSince),
      jobSubmission: {
        enabled: state.knobs.submissionEnabled,
        message: state.knobs.submissionEnabled ? '' : 'Job submission is disabled (test server switch)',
      },
    },
    _links: Object.fromEntries(['jobs', 'storages', 'sites', 'factories', 'storagefactories', 'transfers',
      'client-server-transfers', 'reservations', 'tasks', 'token', 'certificate'].map((k) => [k, link(k)])),
  });
}

async function route(ctx: RequestContext, certPem: string): Promise<Reply> {
  const method = ctx.req.method ?? 'GET';
  if (ctx.path === '/' && method === 'GET') return baseResource(ctx);
  const reply = (await routeJobs(ctx)) ?? (await routeStorages(ctx));
  if (reply) return reply;
  const name = ctx.path.split('/').filter(Boolean)[0];
  requireUser(ctx);
  if (method !== 'GET' || ctx.path.split('/').filter(Boolean).length !== 1) throw new HttpError(404);
  if (name === 'certificate') return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: certPem };
  if (name === 'token') {
    // A short-lived bearer token for the caller, as UNICORE's /token issues one.
    const token = randomBytes(24).toString('base64url');
    ctx.caller.account!.tokens.push(token);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: token };
  }
  if (name === 'factories') {
    return json(200, page([`${ctx.state.base}/factories/default_target_system_factory`], ctx.url, name));
  }
  if (['storagefactories', 'transfers', 'client-server-transfers', 'reservations', 'tasks'].includes(name)) {
    return json(200, page([], ctx.url, name));
  }
  throw new HttpError(404);
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers ?? {});
  if (reply.body === undefined) res.end();
  else if (reply.body instanceof Readable) {
    reply.body.on('error', () => res.destroy());
    reply.body.pipe(res);
  } else res.end(reply.body);
}

/** Starts the UNICORE/X test server over HTTPS on 127.0.0.1 with a freshly generated certificate. */
export async function startUnicoreServer(options: UnicoreServerOptions = {}): Promise<RunningUnicoreServer> {
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'hpcinv-unicore-')));
  await mkdir(join(stateDir, 'tls'), { recursive: true, mode: 0o700 });
  const tls = await generateCertificate(join(stateDir, 'tls'));
  const siteName = options.siteName ?? 'DEMO-SITE';
  const accounts = options.accounts ?? [{
    user: 'demouser', password: randomBytes(12).toString('base64url'),
    tokens: [randomBytes(24).toString('base64url')], dn: 'CN=Demo User,O=UNICORE,C=EU',
  }];
  const knobs: ServerKnobs = { ...defaultKnobs(), ...options.knobs };
  const auth = new Authenticator(accounts, options.sessionLifetimeMs);
  const requests: RunningUnicoreServer['requests'] = [];
  const state: ServerState = {
    base: '', siteName, upSince: Date.now(), auth, knobs, homes: new Map(),
    jobs: undefined as unknown as JobManager,
  };
  state.jobs = new JobManager(stateDir, knobs, async (url, owner) => {
    const prefix = `${state.base}/storages/`;
    if (!url.startsWith(prefix)) return null;
    const m = /^([^/]+)\/files(\/.*)$/.exec(url.slice(prefix.length));
    if (!m) return null;
    const fake = { state, caller: { account: owner, method: 'SESSION' } as Caller } as RequestContext;
    return localPath(findStorage(fake, m[1]), storagePath(m[2]));
  });
  for (const a of accounts) {
    const root = join(stateDir, 'homes', a.user);
    await mkdir(root, { recursive: true, mode: 0o700 });
    state.homes.set(a.user, { id: 'HOME', root, owner: a.user, metadata: new Map() });
  }
  const prefix = `/${siteName}/rest/core`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : null;
    const record = (status: number, dropped = false) => {
      if (requests.length < MAX_REQUEST_LOG) requests.push({ method, path: path ?? url.pathname, status, ...(dropped ? { dropped } : {}) });
    };
    if (path === null) {
      record(404);
      return send(res, { status: 404 });
    }
    const fault = takeFault(knobs, method, path);
    if (fault?.kind === 'drop-before') {
      record(0, true);
      return req.socket.destroy();
    }
    if (fault?.kind === 'status') {
      record(fault.status ?? 503);
      return send(res, errorReply(new HttpError(fault.status ?? 503, 'Service unavailable (injected by the test server)')));
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
    let caller: Caller | undefined;
    let reply: Reply;
    try {
      caller = auth.authenticate(req);
      reply = await route({ req, url: new URL(req.url ?? '/', state.base.slice(0, -prefix.length)), path, caller, state }, tls.cert);
    } catch (err) {
      reply = err instanceof HttpError ? errorReply(err)
        : errorReply(new HttpError(500, `Internal error: ${(err as Error).message}`));
    }
    if (caller?.session) {
      reply.headers = { ...reply.headers, 'X-UNICORE-SecuritySession': caller.session,
        [SESSION_LIFETIME_HEADER]: String(auth.sessionLifetimeMs) };
    }
    if (fault?.kind === 'drop-after') {
      record(reply.status, true);
      if (reply.body instanceof Readable) reply.body.destroy();
      return req.socket.destroy();
    }
    record(reply.status);
    send(res, reply);
  };

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  state.base = `https://127.0.0.1:${port}${prefix}`;
  return {
    url: state.base, caPath: tls.caPath, stateDir, accounts, knobs, auth, jobs: state.jobs, requests,
    close: async () => {
      state.jobs.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // A temp state dir made here goes with the server; one the caller chose is the caller's.
      if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
