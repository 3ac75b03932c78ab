import { BackendError } from '../../errors.js';
import type { UnicoreClient } from './rest-client.js';

/** UNICORE job states as the REST API reports them. */
export type UnicoreStatus = 'UNDEFINED' | 'READY' | 'STAGINGIN' | 'QUEUED' | 'RUNNING' | 'STAGINGOUT' | 'SUCCESSFUL' | 'FAILED';

export interface JobStatusInfo {
  status: UnicoreStatus;
  statusMessage: string;
  exitCode?: string;
}

/** Bound on list pages followed, so a misbehaving server cannot keep the client paging forever. */
const MAX_LIST_PAGES = 100;

/**
 * The job and file operations the backend needs, following URLs the server hands out (Location,
 * `_links`) rather than building them, as the protocol asks.
 */
export class UnicoreJobs {
  constructor(readonly client: UnicoreClient) {}

  /** Checks that the credentials select a real user (UNICORE answers anonymous requests with 200). */
  async whoAmI(): Promise<{ user: string; version: string; jobsUrl: string }> {
    const res = await this.client.request('GET', this.client.base, { idempotent: true });
    const body = res.data as { client?: { role?: { selected?: string }; xlogin?: { UID?: string } }; server?: { version?: string }; _links?: Record<string, { href: string }> };
    if (body?.client?.role?.selected !== 'user') {
      throw new BackendError(`UNICORE at ${this.client.base} accepted the request as "${body?.client?.role?.selected ?? 'unknown'}", not as a user — fix: check the credentials; the token may be expired or meant for another site`);
    }
    const jobsUrl = body._links?.jobs?.href;
    if (!jobsUrl) throw new BackendError(`UNICORE at ${this.client.base} lists no jobs link — fix: check the URL ends in /rest/core`);
    return { user: body.client.xlogin?.UID ?? '?', version: body.server?.version ?? '?', jobsUrl };
  }

  /** The user's HOME storage: its URL and where it is mounted on the site (for paths in job scripts). */
  async homeStorage(): Promise<{ url: string; mountPoint: string }> {
    const base = await this.client.request('GET', this.client.base, { idempotent: true });
    const listUrl = (base.data as { _links?: Record<string, { href: string }> })?._links?.storages?.href;
    const list = listUrl ? await this.client.request('GET', listUrl, { idempotent: true }) : null;
    const url = ((list?.data as { storages?: string[] })?.storages ?? []).find((u) => u.endsWith('/HOME'));
    if (!url) throw new BackendError(`UNICORE at ${this.client.base} offers no HOME storage — fix: use launcher.command or a container instead of a bundle on this site`);
    const props = (await this.client.request('GET', url, { idempotent: true })).data as { mountPoint?: string };
    if (!props?.mountPoint) throw new BackendError(`UNICORE storage ${url} does not say where it is mounted — fix: use launcher.command or a container on this site`);
    return { url, mountPoint: props.mountPoint.replace(/\/+$/, '') };
  }

  /** Size of a file in a storage, or null when it does not exist. */
  async fileSize(storageUrl: string, path: string): Promise<number | null> {
    const res = await this.client.request('GET', `${storageUrl}/files/${encodePath(path)}`, { idempotent: true, accept: [404] });
    return res.status === 404 ? null : Number((res.data as { size?: number }).size);
  }

  /** Submits without retrying: the caller looks the job up by tag before trying again. */
  async submit(jobsUrl: string, description: unknown): Promise<string> {
    const res = await this.client.request('POST', jobsUrl, { data: description, idempotent: false });
    const location = res.headers.location;
    if (res.status !== 201 || typeof location !== 'string') {
      throw new BackendError(`UNICORE accepted a job without a Location (status ${res.status}) — fix: this does not look like UNICORE/X; check the URL`);
    }
    return location;
  }

  /** URLs of the caller's jobs carrying all `tags`, following `next` links. */
  async findByTags(jobsUrl: string, tags: string[]): Promise<string[]> {
    const out: string[] = [];
    let url: string | undefined = jobsUrl;
    let params: Record<string, string> | undefined = { tags: tags.join(','), num: '500' };
    for (let page = 0; url && page < MAX_LIST_PAGES; page++) {
      const res = await this.client.request('GET', url, { params, idempotent: true });
      const body = res.data as { jobs?: string[]; _links?: { next?: { href: string } } };
      out.push(...(body.jobs ?? []));
      url = body._links?.next?.href;
      params = undefined; // the next link carries the query
    }
    return out;
  }

  async properties(jobUrl: string, fields?: string[]): Promise<Record<string, unknown> | null> {
    const res = await this.client.request('GET', jobUrl, {
      params: fields ? { fields: fields.join(',') } : undefined, idempotent: true, accept: [404],
    });
    return res.status === 404 ? null : (res.data as Record<string, unknown>);
  }

  async status(jobUrl: string): Promise<JobStatusInfo | null> {
    const p = await this.properties(jobUrl, ['status', 'statusMessage', 'exitCode']);
    if (!p) return null;
    return { status: p.status as UnicoreStatus, statusMessage: String(p.statusMessage ?? ''), exitCode: p.exitCode as string | undefined };
  }

  /** `start`, `abort`, `restart`: each is harmless to repeat, so retried. Unknown job → false. */
  async action(jobUrl: string, name: 'start' | 'abort' | 'restart'): Promise<boolean> {
    const res = await this.client.request('POST', `${jobUrl}/actions/${name}`, { data: {}, idempotent: true, accept: [404] });
    return res.status !== 404;
  }

  async delete(jobUrl: string): Promise<void> {
    await this.client.request('DELETE', jobUrl, { idempotent: true, accept: [404] });
  }

  async workingDirectory(jobUrl: string): Promise<string> {
    return workingDirectoryOf(jobUrl, await this.properties(jobUrl));
  }

  async upload(storageUrl: string, path: string, data: Buffer): Promise<void> {
    await this.client.request('PUT', `${storageUrl}/files/${encodePath(path)}`, {
      data, binary: true, headers: { 'Content-Type': 'application/octet-stream' }, idempotent: true,
    });
  }

  /** File bytes, or null when the file does not exist. */
  async download(storageUrl: string, path: string): Promise<Buffer | null> {
    const res = await this.client.request('GET', `${storageUrl}/files/${encodePath(path)}`, {
      binary: true, headers: { Accept: 'application/octet-stream' }, idempotent: true, accept: [404],
    });
    return res.status === 404 ? null : Buffer.from(res.data as ArrayBuffer);
  }
}

/** The working-directory storage URL from a job's properties (`_links.workingDirectory`). */
export function workingDirectoryOf(jobUrl: string, props: Record<string, unknown> | null): string {
  const href = (props?._links as Record<string, { href: string }> | undefined)?.workingDirectory?.href;
  if (!href) throw new BackendError(`UNICORE job ${jobUrl} has no working directory link — fix: the job may have been deleted; resubmit`);
  return href;
}

function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}
