import type { IncomingMessage } from 'node:http';
import type { Account, Authenticator, Caller } from './auth.js';
import type { ServerKnobs } from './faults.js';
import { HttpError } from './http-util.js';
import type { JobManager } from './jobs.js';
import type { Storage } from './storage.js';

/** Everything the route handlers share. */
export interface ServerState {
  /** Absolute BASE URL, e.g. https://127.0.0.1:PORT/DEMO-SITE/rest/core */
  base: string;
  siteName: string;
  upSince: number;
  auth: Authenticator;
  knobs: ServerKnobs;
  jobs: JobManager;
  homes: Map<string, Storage>;
}

/** One request as the handlers see it: `path` is relative to BASE, without query. */
export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  path: string;
  caller: Caller;
  state: ServerState;
}

/** Every resource except `GET BASE` needs an authenticated user; anonymous callers get 403. */
export function requireUser(ctx: RequestContext): Account {
  if (!ctx.caller.account) throw new HttpError(403);
  return ctx.caller.account;
}

/** A storage the caller may use: their HOME or the working directory of one of their jobs. */
export function findStorage(ctx: RequestContext, id: string): Storage {
  const account = requireUser(ctx);
  if (id === 'HOME') {
    const home = ctx.state.homes.get(account.user);
    if (home) return home;
  }
  if (id.endsWith('-uspace')) {
    const job = ctx.state.jobs.jobs.get(id.slice(0, -'-uspace'.length));
    if (job && job.owner === account) return job.storage;
  }
  throw new HttpError(404);
}
