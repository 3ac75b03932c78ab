import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { HttpError, unicoreDate } from './http-util.js';

/** A storage: a directory served under `BASE/storages/{id}` (a user's HOME or a job's `<id>-uspace`). */
export interface Storage {
  id: string;
  root: string;
  owner: string;
  /** Set for job working directories. */
  jobId?: string;
  /** Per-path metadata set through PUT with JSON (UNICORE keeps it in a metadata store). */
  metadata: Map<string, Record<string, string>>;
}

/** Storage-absolute, normalised path ("/a/b") from the URL tail after `/files`. */
export function storagePath(tail: string): string {
  const decoded = tail.split('/').map((p) => decodeURIComponent(p)).join('/');
  if (decoded.includes('\0')) throw new HttpError(400, 'File path contains a NUL byte');
  const norm = posix.normalize('/' + decoded);
  const trimmed = norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
  // normalize('/' + x) can never climb above '/', so the result always stays inside the storage.
  return trimmed;
}

/**
 * Local path for a storage path. Refuses paths that leave the storage through symbolic links (a job
 * may create any link in its working directory), checking the deepest existing ancestor.
 */
export async function localPath(storage: Storage, path: string): Promise<string> {
  const local = join(storage.root, ...path.split('/').filter(Boolean));
  const rootReal = await realpath(storage.root);
  let probe = local;
  for (;;) {
    try {
      const real = await realpath(probe);
      if (real !== rootReal && !real.startsWith(rootReal + sep)) throw new HttpError(403);
      return local;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (probe === storage.root) throw new HttpError(404);
      probe = dirname(probe);
    }
  }
}

function permissions(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = '';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

export function statEntry(st: Stats, owner: string, metadata: Record<string, string> = {}): Record<string, unknown> {
  return {
    isDirectory: st.isDirectory(),
    size: st.isDirectory() ? 0 : st.size,
    owner,
    group: owner,
    permissions: permissions(st.mode),
    lastAccessed: unicoreDate(st.mtimeMs),
    metadata,
  };
}

export async function statOrNull(local: string): Promise<Stats | null> {
  try {
    return await stat(local);
  } catch {
    return null;
  }
}

/** Directory listing keyed by storage-absolute path; directories end with `/`. Sorted for stable paging. */
export async function listDirectory(storage: Storage, path: string, local: string): Promise<[string, Record<string, unknown>][]> {
  const names = (await readdir(local)).sort();
  const out: [string, Record<string, unknown>][] = [];
  for (const name of names) {
    const st = await lstat(join(local, name)).catch(() => null);
    if (!st) continue; // vanished while listing (a running job deletes its temp files)
    const child = posix.join(path, name);
    const key = st.isDirectory() ? child + '/' : child;
    out.push([key, statEntry(st, storage.owner, storage.metadata.get(child))]);
  }
  return out;
}

/** Parses `rwxr-x---` (9 chars) into a mode. */
export function parsePermissions(text: string): number | null {
  if (!/^[r-][w-][x-][r-][w-][x-][r-][w-][x-]$/.test(text)) return null;
  let mode = 0;
  for (let i = 0; i < 9; i++) if (text[i] !== '-') mode |= 1 << (8 - i);
  return mode;
}

/**
 * `Range: bytes=a-b | a- | -n` → inclusive [start, end], or 'bad' (→ 416); null when absent.
 * Multiple ranges are not served (UNICORE serves one range).
 */
export function parseRange(header: string | undefined, size: number): [number, number] | 'bad' | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'bad';
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start > end || start >= size) return 'bad';
  return [start, end];
}
