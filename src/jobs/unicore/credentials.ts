import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { InputError } from '../../errors.js';

/** How the client proves who it is. Never logged, never written to a run directory or job description. */
export type Credentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export const ENV_TOKEN = 'HPCINV_UNICORE_TOKEN';
export const ENV_USER = 'HPCINV_UNICORE_USER';
export const ENV_PASSWORD = 'HPCINV_UNICORE_PASSWORD';
export const ENV_FILE = 'HPCINV_UNICORE_CREDENTIALS';

export function authorizationHeader(c: Credentials): string {
  return c.kind === 'bearer' ? `Bearer ${c.token}` : `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;
}

/**
 * Credentials from the environment (`HPCINV_UNICORE_TOKEN`, or `HPCINV_UNICORE_USER` +
 * `HPCINV_UNICORE_PASSWORD`) or from a file (`HPCINV_UNICORE_CREDENTIALS` or the site profile's
 * `credentialsFile`) holding `{ token }` or `{ user, password }` as YAML/JSON. A file others can read is
 * refused: a password in a group-readable file is a leak waiting to happen.
 */
export function loadCredentials(env: NodeJS.ProcessEnv, file?: string): Credentials {
  const token = env[ENV_TOKEN];
  if (token) return { kind: 'bearer', token: token.trim() };
  const user = env[ENV_USER];
  const password = env[ENV_PASSWORD];
  if (user && password) return { kind: 'basic', user, password };
  if (user || password) {
    throw new InputError(`only one of ${ENV_USER} and ${ENV_PASSWORD} is set — fix: set both, or use ${ENV_TOKEN} for a bearer token`);
  }
  const path = env[ENV_FILE] || file;
  if (!path) {
    throw new InputError(`no UNICORE credentials — fix: export ${ENV_TOKEN} (OIDC access token) or ${ENV_USER} and ` +
      `${ENV_PASSWORD}, or point ${ENV_FILE} (or credentialsFile in the site profile) to a chmod-600 file with {token} or {user, password}`);
  }
  return readCredentialsFile(path);
}

function readCredentialsFile(path: string): Credentials {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    throw new InputError(`cannot read the UNICORE credentials file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} — fix: check the path in ${ENV_FILE} or credentialsFile`);
  }
  if ((mode & 0o077) !== 0) {
    throw new InputError(`the UNICORE credentials file ${path} is readable or writable by group or others (mode ${(mode & 0o777).toString(8)}) — fix: chmod 600 ${path}`);
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch {
    // The parser's message could quote the file's content: keep it out of the error.
    throw new InputError(`the UNICORE credentials file ${path} is not valid YAML/JSON — fix: write {token: ...} or {user: ..., password: ...}`);
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  if (typeof d.token === 'string' && d.token) return { kind: 'bearer', token: d.token.trim() };
  if (typeof d.user === 'string' && typeof d.password === 'string' && d.user && d.password) {
    return { kind: 'basic', user: d.user, password: d.password };
  }
  throw new InputError(`the UNICORE credentials file ${path} has neither "token" nor "user" and "password" — fix: write {token: ...} or {user: ..., password: ...}`);
}
