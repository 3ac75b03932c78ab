import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { BackendError } from '../../errors.js';
import { sleep } from '../watch.js';
import { authorizationHeader, type Credentials } from './credentials.js';

export interface UnicoreClientOptions {
  /** BASE URL of the site, e.g. https://gateway/SITE/rest/core */
  url: string;
  credentials: Credentials;
  /** Extra trusted CA certificates (PEM) for sites with their own CA; the public roots stay trusted. */
  ca?: string;
  /** Per request. */
  timeoutMs?: number;
  /** Retries of a transient failure (5xx, timeout, dropped connection) before giving up. */
  retries?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface RequestOptions {
  data?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  binary?: boolean;
  /** Repeating the request is harmless (GET, PUT, DELETE, start/abort); job submission is not. */
  idempotent: boolean;
  /** Statuses the caller handles itself (e.g. 404 when probing). */
  accept?: number[];
}

const SESSION = 'X-UNICORE-SecuritySession';
const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ERR_NETWORK']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

/** A failure worth retrying (the server or network hiccupped), as opposed to a refusal. */
export class TransientError extends BackendError {}

/**
 * UNICORE/X REST over axios: security-session reuse (credentials are sent only when no session is held;
 * a 432 drops the session and repeats once with credentials), bounded exponential backoff on transient
 * failures for idempotent requests, and errors that never carry the request's headers.
 */
export class UnicoreClient {
  readonly base: string;
  private readonly origin: string;
  private readonly http: AxiosInstance;
  private readonly agent: Agent;
  private session: string | null = null;
  private readonly retries: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly opts: UnicoreClientOptions) {
    if (!/^https:\/\//.test(opts.url)) {
      throw new BackendError(`UNICORE URL ${opts.url} is not https — fix: use the site's https://.../rest/core URL (credentials must not travel in clear text)`);
    }
    this.base = opts.url.replace(/\/+$/, '');
    this.origin = new URL(this.base).origin;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 8,
      ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}),
    });
    this.http = axios.create({
      httpsAgent: this.agent,
      timeout: opts.timeoutMs ?? 60_000,
      maxRedirects: 0,
      validateStatus: () => true,
      // no axios proxy logic: it could route the credentials through an unexpected host
      proxy: false,
      maxContentLength: Infinity,
      maxBodyLength: Infinity,
    });
    this.retries = opts.retries ?? 5;
    this.initialBackoffMs = opts.initialBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 15_000;
  }

  /** One REST call with the session/432 handling and, when idempotent, retries with backoff. */
  async request(method: Method, url: string, o: RequestOptions): Promise<AxiosResponse> {
    // URLs come from the server (Location, _links); credentials must only ever go to the site itself.
    if (new URL(url).origin !== this.origin) {
      throw new BackendError(`UNICORE handed out ${url}, which is not on ${this.origin} — fix: check the site URL; hpcinv sends credentials only to the configured host`);
    }
    let delay = this.initialBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, url, o);
      } catch (err) {
        if (!(err instanceof TransientError) || !o.idempotent || attempt >= this.retries) throw err;
        await sleep(delay * (0.75 + Math.random() * 0.5));
        delay = Math.min(this.maxBackoffMs, delay * 2);
      }
    }
  }

  private async once(method: Method, url: string, o: RequestOptions): Promise<AxiosResponse> {
    const used = this.session;
    let res = await this.send(method, url, o, used);
    if (res.status === 432 && used !== null) {
      // Session expired (or the server restarted): forget it — unless a parallel request already
      // replaced it — and repeat once with full credentials.
      if (this.session === used) this.session = null;
      res = await this.send(method, url, o, null);
    }
    const s = res.headers[SESSION.toLowerCase()];
    if (typeof s === 'string' && s) this.session = s;
    if ((res.status >= 200 && res.status < 300) || o.accept?.includes(res.status)) return res;
    throw describeStatus(method, url, res);
  }

  private async send(method: Method, url: string, o: RequestOptions, session: string | null): Promise<AxiosResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(o.data !== undefined && !o.binary ? { 'Content-Type': 'application/json' } : {}),
      ...o.headers,
    };
    if (session) headers[SESSION] = session;
    else headers.Authorization = authorizationHeader(this.opts.credentials);
    try {
      return await this.http.request({
        method, url, headers, params: o.params,
        data: o.data === undefined ? undefined : o.binary ? o.data : JSON.stringify(o.data),
        responseType: o.binary ? 'arraybuffer' : 'json',
        transformResponse: o.binary ? undefined : [(d: unknown) => parseMaybeJson(d)],
      });
    } catch (err) {
      throw describeNetworkError(method, url, err);
    }
  }

  /** Drops pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

function parseMaybeJson(d: unknown): unknown {
  if (typeof d !== 'string' || d === '') return d;
  try {
    return JSON.parse(d);
  } catch {
    return d;
  }
}

/** UNICORE puts handler errors in `errorMessage`; framework errors have empty bodies. */
function describeStatus(method: string, url: string, res: AxiosResponse): BackendError {
  const body = res.data as { errorMessage?: unknown } | undefined;
  const detail = body && typeof body === 'object' && typeof body.errorMessage === 'string' ? body.errorMessage : res.statusText || 'no details';
  const what = `UNICORE ${method.toUpperCase()} ${url} answered ${res.status} (${detail})`;
  if (RETRY_STATUS.has(res.status)) return new TransientError(`${what} — fix: the site is overloaded or in maintenance; try again later`);
  if (res.status === 403 || res.status === 401) {
    return new BackendError(`${what} — fix: check the credentials (HPCINV_UNICORE_TOKEN, or HPCINV_UNICORE_USER/PASSWORD, or the credentials file) and that your account may use this site`);
  }
  if (res.status === 404) return new BackendError(`${what} — fix: the resource is gone (deleted job?) or the URL is wrong; check the site URL`);
  return new BackendError(`${what} — fix: see the message; the site's UNICORE/X log has details`);
}

function describeNetworkError(method: string, url: string, err: unknown): BackendError {
  // Build a fresh error: axios errors carry the request config, headers (credentials) included.
  const e = err as AxiosError;
  const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = `${code ? `${code}: ` : ''}${e.message ?? String(err)}`;
  const what = `UNICORE ${method.toUpperCase()} ${url} failed (${reason})`;
  if (TLS_CODES.test(code) || TLS_CODES.test(e.message ?? '')) {
    return new BackendError(`${what} — fix: the site's certificate is not trusted; set caBundle in the site profile to the PEM file of the site's CA`);
  }
  if (RETRY_CODES.has(code) || /socket hang up|timeout/i.test(e.message ?? '')) {
    return new TransientError(`${what} — fix: check the URL and your network (VPN); the site may be down`);
  }
  return new BackendError(`${what} — fix: check the URL and your network`);
}
