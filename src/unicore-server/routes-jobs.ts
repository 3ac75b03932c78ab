import { HttpError, empty, json, page, readJson, selectFields, type Reply } from './http-util.js';
import type { Job } from './jobs.js';
import { requireUser, type RequestContext } from './state.js';

const TSS_ID = 'default_target_system';

function findJob(ctx: RequestContext, id: string): Job {
  const account = requireUser(ctx);
  const job = ctx.state.jobs.jobs.get(id);
  if (!job || job.owner !== account) throw new HttpError(404);
  return job;
}

async function submit(ctx: RequestContext): Promise<Reply> {
  const account = requireUser(ctx);
  if (!ctx.state.knobs.submissionEnabled) {
    throw new HttpError(503, 'Job submission is currently disabled: site maintenance (test server switch)');
  }
  const raw = await readJson(ctx.req, 'Could not submit job');
  const job = await ctx.state.jobs.create(account, raw);
  return empty(201, { Location: `${ctx.state.base}/jobs/${job.id}` });
}

/** Lists the caller's job URLs in submission order; `?tags=a,b` keeps jobs carrying all of them. */
function list(ctx: RequestContext): Reply {
  const account = requireUser(ctx);
  const wanted = (ctx.url.searchParams.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const urls = [...ctx.state.jobs.jobs.values()]
    .filter((j) => j.owner === account && wanted.every((t) => j.tags.includes(t)))
    .map((j) => `${ctx.state.base}/jobs/${j.id}`);
  return json(200, page(urls, ctx.url, 'jobs'));
}

async function putProperties(ctx: RequestContext, job: Job): Promise<Reply> {
  const body = await readJson(ctx.req, 'Could not set properties');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Could not set properties: body must be a JSON object');
  }
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const strings = Array.isArray(v) && v.every((x) => typeof x === 'string');
    if ((k === 'tags' || k === 'acl') && strings) {
      if (k === 'tags') job.tags = [...(v as string[])];
      else job.acl = [...(v as string[])];
      result[k] = 'OK';
    } else {
      result[k] = 'Property not found or cannot be modified!';
    }
  }
  return json(200, result);
}

async function action(ctx: RequestContext, job: Job, name: string): Promise<Reply> {
  await readJson(ctx.req, `Could not perform action ${name}`);
  const manager = ctx.state.jobs;
  if (name === 'start') manager.start(job);
  else if (name === 'abort') manager.abort(job);
  else if (name === 'restart') manager.restart(job);
  else throw new HttpError(404);
  return empty(204);
}

function siteProperties(ctx: RequestContext): Record<string, unknown> {
  const base = ctx.state.base;
  return {
    name: TSS_ID,
    numberOfJobs: [...ctx.state.jobs.jobs.values()].filter((j) => j.owner === ctx.caller.account).length,
    resources: { Runtime: '1-86400', Nodes: '1-1', CPUsPerNode: '1-4', Queue: 'batch' },
    applications: ['Bash shell---v4.2'],
    _links: { self: { href: `${base}/sites/${TSS_ID}` }, jobs: { href: `${base}/sites/${TSS_ID}/jobs` } },
  };
}

/** Routes under BASE/jobs and BASE/sites; null when the path is not one of them. */
export async function routeJobs(ctx: RequestContext): Promise<Reply | null> {
  const method = ctx.req.method ?? 'GET';
  const parts = ctx.path.split('/').filter(Boolean);
  if (parts[0] === 'sites') {
    requireUser(ctx);
    if (parts.length === 1 && method === 'GET') {
      return json(200, page([`${ctx.state.base}/sites/${TSS_ID}`], ctx.url, 'sites'));
    }
    if (parts[1] !== TSS_ID) throw new HttpError(404);
    if (parts.length === 2 && method === 'GET') return json(200, selectFields(siteProperties(ctx), ctx.url.searchParams.get('fields')));
    if (parts.length === 2 && method === 'POST') return submit(ctx);
    if (parts.length === 3 && parts[2] === 'jobs' && method === 'GET') return list(ctx);
    throw new HttpError(404);
  }
  if (parts[0] !== 'jobs') return null;
  if (parts.length === 1) {
    if (method === 'GET') return list(ctx);
    if (method === 'POST') return submit(ctx);
    throw new HttpError(405);
  }
  const job = findJob(ctx, parts[1]);
  if (parts.length === 2) {
    if (method === 'GET') {
      const props = ctx.state.jobs.properties(job, ctx.state.base);
      return json(200, selectFields(props, ctx.url.searchParams.get('fields')));
    }
    if (method === 'PUT') return putProperties(ctx, job);
    if (method === 'DELETE') {
      await ctx.state.jobs.delete(job);
      return empty(204);
    }
    throw new HttpError(405);
  }
  if (parts.length === 4 && parts[2] === 'actions' && method === 'POST') return action(ctx, job, parts[3]);
  if (parts.length === 3 && method === 'GET' && parts[2] === 'submitted') return json(200, job.submitted);
  if (parts.length === 3 && method === 'GET' && parts[2] === 'details') {
    return json(200, {
      batchSystemID: job.batchSystemID, queue: job.desc.resources.Queue ?? 'N/A',
      jobType: job.desc.jobType, pid: job.process?.pid ?? null, resources: job.desc.resources,
    });
  }
  throw new HttpError(404);
}
