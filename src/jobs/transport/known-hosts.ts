/**
 * Host-key checking against an OpenSSH known_hosts file: plain and hashed (`|1|salt|hash`) host
 * patterns, `[host]:port` for ports other than 22, wildcards and negations, `@revoked` lines.
 * `@cert-authority` lines are not supported (such hosts are reported unknown, never trusted).
 */
import { createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type HostKeyVerdict = 'trusted' | 'unknown' | 'changed' | 'revoked';

interface Entry {
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  keyType: string;
  keyBase64: string;
}

function parseLines(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: Entry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as Entry['marker'];
    const [patterns, keyType, keyBase64] = fields;
    if (patterns && keyType && keyBase64) entries.push({ marker, patterns, keyType, keyBase64 });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * Judge the key a server presented (`keyType` like `ssh-ed25519`, `keyBlob` the raw public key) for
 * `host`:`port`. A different key of the same type for a known host is `changed` (possible
 * man-in-the-middle); no entry at all is `unknown`.
 */
export function verifyHostKey(knownHostsText: string, host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyVerdict {
  const name = hostKeyName(host, port);
  const presented = keyBlob.toString('base64');
  let sawSameTypeOtherKey = false;
  let trusted = false;
  for (const entry of parseLines(knownHostsText)) {
    if (entry.marker === '@cert-authority' || !patternsMatch(entry.patterns, name)) continue;
    if (entry.marker === '@revoked') {
      if (entry.keyBase64 === presented) return 'revoked';
      continue;
    }
    if (entry.keyBase64 === presented) trusted = true;
    else if (entry.keyType === keyType) sawSameTypeOtherKey = true;
  }
  if (trusted) return 'trusted';
  return sawSameTypeOtherKey ? 'changed' : 'unknown';
}

export async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Record a host key the user accepted explicitly (`--accept-host-key`). */
export async function appendKnownHost(path: string, host: string, port: number, keyType: string, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await appendFile(path, `${hostKeyName(host, port)} ${keyType} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}

/** The key type written at the start of an SSH public key blob (`string` type, then key data). */
export function keyTypeOfBlob(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}
