import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { RunningUnicoreServer } from '../../src/unicore-server/server.js';

/**
 * A deliberately plain HTTPS caller (node:https, no project client code) so the conformance suite checks
 * the server against the protocol, not against our own client's assumptions.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RawOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function raw(server: RunningUnicoreServer, method: string, url: string, opts: RawOptions = {}): Promise<RawResponse> {
  const ca = readFileSync(server.caPath);
  const target = url.startsWith('https://') ? url : server.url + url;
  return new Promise((resolve, reject) => {
    const req = request(target, { method, ca, headers: opts.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export function basic(server: RunningUnicoreServer): Record<string, string> {
  const a = server.accounts[0];
  return { Authorization: `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}` };
}

/** A JSON-speaking authenticated caller, as pyunicore sends its requests. */
export function userJson(server: RunningUnicoreServer): Record<string, string> {
  return { ...basic(server), Accept: 'application/json', 'Content-Type': 'application/json' };
}

export async function submit(server: RunningUnicoreServer, description: unknown): Promise<string> {
  const res = await raw(server, 'POST', '/jobs', { headers: userJson(server), body: JSON.stringify(description) });
  if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${res.body.toString()}`);
  return res.headers.location as string;
}

/** Polls a job until `done(status)` holds, bounded in time. */
export async function waitFor(server: RunningUnicoreServer, jobUrl: string, done: (s: string) => boolean, timeoutMs = 20_000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const until = Date.now() + timeoutMs;
  for (;;) {
    const props = (await raw(server, 'GET', jobUrl, { headers: userJson(server) })).json();
    if (done(props.status)) return props;
    if (Date.now() > until) throw new Error(`job ${jobUrl} still ${props.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const finished = (s: string) => s === 'SUCCESSFUL' || s === 'FAILED';
