import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-util.js';

export interface Account {
  /** Login name for Basic auth, also the unix uid the account maps to. */
  user: string;
  password: string;
  /** Bearer tokens accepted for this account (stand-ins for OIDC access tokens). */
  tokens: string[];
  dn: string;
}

export interface Caller {
  account: Account | null; // null = anonymous
  method: 'PASSWORD_FILE' | 'OAUTH2' | 'SESSION' | 'NONE';
  /** Session id to send back, when the caller is authenticated. */
  session?: string;
}

export const SESSION_HEADER = 'x-unicore-securitysession';
export const SESSION_LIFETIME_HEADER = 'X-UNICORE-SecuritySession-Lifetime';

/** HTTP status UNICORE uses for an unknown or expired security session. */
export const SESSION_EXPIRED = 432;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Password/token accounts and the security-session cache, modelled on UNICORE's AuthNHandler. */
export class Authenticator {
  private readonly sessions = new Map<string, { account: Account; expires: number }>();

  constructor(
    readonly accounts: Account[],
    /** Session lifetime in ms (UNICORE's default is 8 h). */
    public sessionLifetimeMs = 28_800_000,
  ) {}

  /** Forgets every session, as after a server restart: the next session-only request gets 432. */
  expireSessions(): void {
    this.sessions.clear();
  }

  authenticate(req: IncomingMessage): Caller {
    const now = Date.now();
    const sessionId = req.headers[SESSION_HEADER];
    const authz = req.headers.authorization;
    if (typeof sessionId === 'string' && sessionId !== '') {
      const s = this.sessions.get(sessionId);
      if (s && s.expires > now) return { account: s.account, method: 'SESSION', session: sessionId };
      this.sessions.delete(sessionId);
      // UNICORE answers 432 for an unknown session even when credentials came along; the client then
      // resends with credentials only.
      throw new HttpError(SESSION_EXPIRED, 'Invalid or expired security session');
    }
    if (!authz) return { account: null, method: 'NONE' };
    const account = this.check(authz);
    if (!account) throw new HttpError(403);
    this.prune(now);
    const session = randomUUID();
    this.sessions.set(session, { account, expires: now + this.sessionLifetimeMs });
    return { account, method: authz.startsWith('Bearer ') ? 'OAUTH2' : 'PASSWORD_FILE', session };
  }

  private check(authz: string): Account | null {
    if (authz.startsWith('Basic ')) {
      const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      return this.accounts.find((a) => same(a.user, user) && same(a.password, password)) ?? null;
    }
    if (authz.startsWith('Bearer ')) {
      const token = authz.slice(7).trim();
      return this.accounts.find((a) => a.tokens.some((t) => same(t, token))) ?? null;
    }
    return null;
  }

  private prune(now: number): void {
    for (const [id, s] of this.sessions) if (s.expires <= now) this.sessions.delete(id);
  }
}
