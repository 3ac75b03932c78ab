import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HttpError, empty, isJsonContent, json, page, readJson, wantsOctetStream, type Reply } from './http-util.js';
import { findStorage, requireUser, type RequestContext } from './state.js';
import {
  listDirectory, localPath, parsePermissions, parseRange, statEntry, statOrNull, storagePath, type Storage,
} from './storage.js';

async function storageProperties(ctx: RequestContext, s: Storage): Promise<Record<string, unknown>> {
  const base = `${ctx.state.base}/storages/${s.id}`;
  const fs = await statfs(s.root).catch(() => null);
  const links: Record<string, { href: string; description?: string }> = {
    self: { href: base },
    files: { href: `${base}/files`, description: 'Files' },
    'action:copy': { href: `${base}/actions/copy`, description: 'Copy a file' },
    'action:rename': { href: `${base}/actions/rename`, description: 'Rename a file' },
  };
  if (s.jobId) links.job = { href: `${ctx.state.base}/jobs/${s.jobId}`, description: 'Parent job' };
  return {
    resourceStatus: 'READY',
    mountPoint: s.root,
    umask: '77',
    description: s.jobId ? 'Job\'s working directory' : 'User\'s home',
    protocols: ['BFT'],
    freeSpace: fs ? fs.bavail * fs.bsize : -1,
    _links: links,
  };
}

async function download(ctx: RequestContext, s: Storage, path: string, local: string, size: number): Promise<Reply> {
  const type = s.metadata.get(path)?.['Content-Type'] ?? 'application/octet-stream';
  const range = parseRange(ctx.req.headers.range, size);
  if (range === 'bad') return empty(416, { 'Content-Range': `bytes */${size}` });
  const headers = { 'Content-Type': type, 'Accept-Ranges': 'bytes' };
  if (range === null) {
    return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: createReadStream(local) };
  }
  const [start, end] = range;
  return {
    status: 206,
    headers: { ...headers, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` },
    body: createReadStream(local, { start, end }),
  };
}

async function getFile(ctx: RequestContext, s: Storage, path: string): Promise<Reply> {
  const local = await localPath(s, path);
  const st = await statOrNull(local);
  if (!st) throw new HttpError(404);
  if (wantsOctetStream(ctx.req)) {
    if (st.isDirectory()) throw new HttpError(406, `Cannot download ${path}: it is a directory`);
    return download(ctx, s, path, local, st.size);
  }
  const self = `${ctx.state.base}/storages/${s.id}/files${path === '/' ? '' : path}`;
  const props: Record<string, unknown> = statEntry(st, s.owner, s.metadata.get(path));
  props._links = { parentStorage: { href: `${ctx.state.base}/storages/${s.id}` }, self: { href: self } };
  if (!st.isDirectory()) return json(200, props, { 'Accept-Ranges': 'bytes' });
  const entries = await listDirectory(s, path, local);
  const paged = page(entries.map(([k]) => k), ctx.url, 'content');
  const keys = new Set(paged.content as string[]);
  props.content = Object.fromEntries(entries.filter(([k]) => keys.has(k)));
  props._links = { ...(paged._links as object), parentStorage: { href: `${ctx.state.base}/storages/${s.id}` } };
  return json(200, props);
}

async function putFile(ctx: RequestContext, s: Storage, path: string): Promise<Reply> {
  if (path === '/') throw new HttpError(400, 'Cannot write to the storage root');
  const local = await localPath(s, path);
  if (isJsonContent(ctx.req)) return setFileProperties(ctx, s, path, local);
  const st = await statOrNull(local);
  if (st?.isDirectory()) throw new HttpError(400, `Cannot upload to ${path}: it is a directory`);
  await mkdir(dirname(local), { recursive: true, mode: 0o700 });
  // Write aside and rename, so a broken upload never leaves a half file under the final name.
  const tmp = `${local}.upload-${process.pid}-${Date.now()}`;
  try {
    await pipeline(ctx.req, createWriteStream(tmp, { mode: 0o600 }));
    const expected = ctx.url.searchParams.get('size');
    const written = (await statOrNull(tmp))?.size ?? 0;
    if (expected !== null && Number(expected) !== written) {
      throw new HttpError(400, `Upload of ${path} incomplete: got ${written} bytes, expected ${expected}`);
    }
    await rename(tmp, local);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return empty(204);
}

async function setFileProperties(ctx: RequestContext, s: Storage, path: string, local: string): Promise<Reply> {
  if (!(await statOrNull(local))) throw new HttpError(404);
  const body = await readJson(ctx.req, 'Could not set file properties');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Could not set file properties: body must be a JSON object');
  }
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const mode = k === 'permissions' && typeof v === 'string' ? parsePermissions(v) : null;
    if (mode !== null) {
      await chmod(local, mode);
      result[k] = 'OK';
    } else if (k === 'metadata' && typeof v === 'object' && v !== null) {
      s.metadata.set(path, Object.fromEntries(Object.entries(v).map(([mk, mv]) => [mk, String(mv)])));
      result[k] = 'OK';
    } else {
      result[k] = 'Property not found or cannot be modified!';
    }
  }
  return json(200, result);
}

async function storageAction(ctx: RequestContext, s: Storage, name: string): Promise<Reply> {
  if (name !== 'copy' && name !== 'rename') throw new HttpError(404);
  const body = (await readJson(ctx.req, `Could not ${name}`)) as Record<string, unknown>;
  if (typeof body?.from !== 'string' || typeof body?.to !== 'string' || !body.from || !body.to) {
    throw new HttpError(400, `Could not ${name}: both "from" and "to" are required`);
  }
  const from = await localPath(s, storagePath(body.from));
  const to = await localPath(s, storagePath(body.to));
  if (!(await statOrNull(from))) throw new HttpError(404, `Could not ${name}: ${body.from} does not exist`);
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  if (name === 'copy') await cp(from, to, { recursive: true });
  else await rename(from, to);
  return empty(204);
}

/** Routes under BASE/storages; null when the path is not one of them. */
export async function routeStorages(ctx: RequestContext): Promise<Reply | null> {
  const method = ctx.req.method ?? 'GET';
  const m = /^\/storages(?:\/([^/]+)(?:\/(files|actions)(\/.*)?)?)?\/?$/.exec(ctx.path);
  if (!m) return null;
  const [, sid, kind, tail] = m;
  if (!sid) {
    const account = requireUser(ctx);
    if (method !== 'GET') throw new HttpError(405);
    const all = ctx.url.searchParams.get('filter') === 'all';
    const ids = ['HOME', ...(all ? [...ctx.state.jobs.jobs.values()].filter((j) => j.owner === account).map((j) => j.storage.id) : [])];
    return json(200, page(ids.map((id) => `${ctx.state.base}/storages/${id}`), ctx.url, 'storages'));
  }
  const storage = findStorage(ctx, decodeURIComponent(sid));
  if (!kind) {
    if (method !== 'GET') throw new HttpError(405);
    return json(200, await storageProperties(ctx, storage));
  }
  if (kind === 'actions') {
    if (method !== 'POST' || !tail) throw new HttpError(404);
    return storageAction(ctx, storage, tail.slice(1));
  }
  const path = storagePath(tail ?? '/');
  if (method === 'GET') return getFile(ctx, storage, path);
  if (method === 'PUT') return putFile(ctx, storage, path);
  if (method === 'POST') {
    await mkdir(await localPath(storage, path), { recursive: true, mode: 0o700 });
    return empty(201, { Location: `${ctx.state.base}/storages/${storage.id}/files${path}` });
  }
  if (method === 'DELETE') {
    if (path === '/') throw new HttpError(400, 'Cannot delete the storage root');
    const local = await localPath(storage, path);
    if (!(await statOrNull(local))) throw new HttpError(404);
    await rm(local, { recursive: true, force: true });
    storage.metadata.delete(path);
    return empty(204);
  }
  throw new HttpError(405);
}
