import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * What a route handler answers. Handlers return a value instead of writing to the socket so the
 * dispatcher can inject faults after the work is done (e.g. drop the connection once a job exists).
 */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
}

/** Thrown by handlers to answer with a status; `message` set → JSON error body, else an empty body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? '');
  }
  get hasBody(): boolean {
    return this.message !== '';
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers };
}

/** Handler errors carry a JSON body `{errorMessage, status}`; framework errors (404, 403) an empty one. */
export function errorReply(err: HttpError): Reply {
  return err.hasBody ? json(err.status, { errorMessage: err.message, status: err.status }) : empty(err.status);
}

const MAX_JSON_BODY = 4 << 20;

export async function readRaw(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** Parses a JSON request body; an empty body is `{}` (pyunicore posts `{}` to actions). */
export async function readJson(req: IncomingMessage, context: string): Promise<unknown> {
  const raw = (await readRaw(req)).toString('utf8').trim();
  if (raw === '') return {};
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new HttpError(500, `${context}: ${(err as Error).message}`);
  }
}

export function isJsonContent(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
}

export function wantsOctetStream(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/octet-stream');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** UNICORE's date format `yyyy-MM-dd'T'HH:mm:ssZ` in UTC, e.g. `2026-11-25T21:20:54+0000`. */
export function unicoreDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0000`;
}

/** `?fields=a,b` keeps only the listed keys; `?fields=!a` drops them (`_links` is just another key). */
export function selectFields(props: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return props;
  const names = fields.split(',').map((f) => f.trim()).filter(Boolean);
  const excluded = new Set(names.filter((n) => n.startsWith('!')).map((n) => n.slice(1)));
  const included = new Set(names.filter((n) => !n.startsWith('!')));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (excluded.has(k)) continue;
    if (included.size > 0 && !included.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Offset/num paging of a URL list with `next`/`previous` links, as UNICORE's PagingHelper does. */
export function page(
  all: string[],
  selfUrl: URL,
  key: string,
): Record<string, unknown> {
  const offset = Math.max(0, Number(selfUrl.searchParams.get('offset') ?? 0) || 0);
  const num = Math.max(1, Number(selfUrl.searchParams.get('num') ?? 200) || 200);
  const links: Record<string, { href: string }> = { self: { href: selfUrl.toString() } };
  const at = (o: number) => {
    const u = new URL(selfUrl.toString());
    u.searchParams.set('offset', String(o));
    u.searchParams.set('num', String(num));
    return { href: u.toString() };
  };
  if (offset + num < all.length) links.next = at(offset + num);
  if (offset > 0) links.previous = at(Math.max(0, offset - num));
  return { [key]: all.slice(offset, offset + num), _links: links };
}
