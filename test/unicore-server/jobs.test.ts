import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startUnicoreServer, type RunningUnicoreServer } from '../../src/unicore-server/server.js';
import { JOB_STATES } from '../../src/unicore-server/jobs.js';
import { finished, raw, submit, userJson, waitFor } from './raw-https.js';

let server: RunningUnicoreServer;
beforeAll(async () => {
  server = await startUnicoreServer({ knobs: { maxRunning: 8 } });
});
afterAll(async () => server.close());

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const post = (url: string, body = '{}') => raw(server, 'POST', url, { headers: userJson(server), body });
const get = (url: string) => raw(server, 'GET', url, { headers: userJson(server) });
const download = async (jobUrl: string, file: string) => {
  const wd = (await get(jobUrl)).json()._links.workingDirectory.href as string;
  const res = await raw(server, 'GET', `${wd}/files/${file}`, { headers: { ...userJson(server), Accept: 'application/octet-stream' } });
  return res.status === 200 ? res.body.toString('utf8') : `<${res.status}>`;
};

describe('conformance 3: submission', () => {
  test('POST jobs → 201, empty body, absolute Location under BASE/jobs/', async () => {
    const res = await raw(server, 'POST', '/jobs', { headers: userJson(server), body: JSON.stringify({ Executable: 'true' }) });
    expect(res.status).toBe(201);
    expect(res.body.length).toBe(0);
    expect(res.headers.location).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/jobs/[0-9a-f-]{36}$`));
  });

  test('invalid JSON → 500 with errorMessage and status; anonymous → 403; disabled → 503 JSON', async () => {
    const bad = await raw(server, 'POST', '/jobs', { headers: userJson(server), body: '{"Executable": ' });
    expect(bad.status).toBe(500);
    expect(bad.headers['content-type']).toMatch(/application\/json/);
    expect(bad.json()).toEqual({ errorMessage: expect.stringMatching(/^Could not submit job: /), status: 500 });
    const anon = await raw(server, 'POST', '/jobs', { headers: { 'Content-Type': 'application/json' }, body: '{"Executable":"true"}' });
    expect(anon.status).toBe(403);
    server.knobs.submissionEnabled = false;
    try {
      const off = await raw(server, 'POST', '/jobs', { headers: userJson(server), body: '{"Executable":"true"}' });
      expect(off.status).toBe(503);
      expect(off.json().status).toBe(503);
      expect(off.json().errorMessage).toMatch(/disabled/);
    } finally {
      server.knobs.submissionEnabled = true;
    }
  });
});

describe('conformance 4: starting', () => {
  test('without haveClientStageIn the job runs by itself to SUCCESSFUL with exitCode "0"', async () => {
    const url = await submit(server, { Executable: 'sleep 0.3' });
    const seen = new Set<string>();
    const props = await waitFor(server, url, (s) => (seen.add(s), finished(s)));
    expect(props.status).toBe('SUCCESSFUL');
    expect(props.exitCode).toBe('0');
    expect(seen.has('RUNNING')).toBe(true);
  });

  test.each([['string', 'true'], ['boolean', true]])('haveClientStageIn as %s waits in READY until start', async (_kind, flag) => {
    const url = await submit(server, { Executable: 'true', haveClientStageIn: flag });
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(url)).json().status).toBe('READY');
    const start = await post(`${url}/actions/start`);
    expect(start.status).toBe(204);
    expect((await waitFor(server, url, finished)).status).toBe('SUCCESSFUL');
  });
});

describe('conformance 5: exit codes', () => {
  test('exit 3 → FAILED, exitCode "3", message names it; IgnoreNonZeroExitCode → SUCCESSFUL', async () => {
    const failed = await waitFor(server, await submit(server, { Executable: 'exit 3' }), finished);
    expect(failed.status).toBe('FAILED');
    expect(failed.exitCode).toBe('3');
    expect(failed.statusMessage).toMatch(/non-zero exit code: 3/);
    const ignored = await waitFor(server, await submit(server, { Executable: 'exit 3', IgnoreNonZeroExitCode: true }), finished);
    expect(ignored.status).toBe('SUCCESSFUL');
    expect(ignored.exitCode).toBe('3');
  });
});

describe('conformance 6: actions', () => {
  test('abort a running job → 204 then FAILED "Job aborted."; restart runs it again', async () => {
    const url = await submit(server, { Executable: 'echo run >> runs.txt; sleep 30' });
    await waitFor(server, url, (s) => s === 'RUNNING');
    await new Promise((r) => setTimeout(r, 100));
    expect((await post(`${url}/actions/abort`)).status).toBe(204);
    const aborted = await waitFor(server, url, finished);
    expect(aborted).toMatchObject({ status: 'FAILED', statusMessage: 'Job aborted.' });
    expect((await post(`${url}/actions/restart`)).status).toBe(204);
    await waitFor(server, url, (s) => s === 'RUNNING');
    await new Promise((r) => setTimeout(r, 100));
    expect(await download(url, 'runs.txt')).toBe('run\nrun\n');
    await post(`${url}/actions/abort`);
  });

  test('unknown action → 404; action on an unknown job → 404', async () => {
    const url = await submit(server, { Executable: 'true' });
    expect((await post(`${url}/actions/explode`)).status).toBe(404);
    expect((await post(`${server.url}/jobs/00000000-0000-0000-0000-000000000000/actions/start`)).status).toBe(404);
  });
});

describe('conformance 7: job properties', () => {
  test('every documented key with its type; fields selection and exclusion', async () => {
    const url = await submit(server, { Executable: 'true', Name: 'props', Tags: ['x'], Resources: { Queue: 'batch' } });
    const p = await waitFor(server, url, finished);
    for (const k of ['status', 'statusMessage', 'exitCode', 'name', 'jobType', 'queue', 'batchSystemID', 'submissionTime',
      'terminationTime', 'owner', 'acl', 'tags', 'submissionPreferences', 'log', 'consumedTime', '_links']) {
      expect(p).toHaveProperty([k]);
    }
    expect(typeof p.exitCode).toBe('string');
    expect(p.submissionTime).toMatch(DATE);
    expect(p.terminationTime).toMatch(DATE);
    expect(p).toMatchObject({ name: 'props', jobType: 'BATCH', queue: 'batch', tags: ['x'] });
    const id = url.split('/').pop();
    expect(p._links.workingDirectory.href).toBe(`${server.url}/storages/${id}-uspace`);
    for (const k of ['self', 'action:start', 'action:abort', 'action:restart', 'details', 'submitted', 'parentTSS']) {
      expect(p._links[k].href).toMatch(/^https:\/\//);
    }
    for (const k of ['total', 'stage-in', 'preCommand', 'queued', 'main', 'postCommand', 'stage-out']) {
      expect(typeof p.consumedTime[k]).toBe('string');
    }
    expect((await get(`${url}?fields=status`)).json()).toEqual({ status: 'SUCCESSFUL' });
    expect(Object.keys((await get(`${url}?fields=status,_links`)).json()).sort()).toEqual(['_links', 'status']);
    const noLog = (await get(`${url}?fields=!log`)).json();
    expect(noLog).not.toHaveProperty('log');
    expect(Object.keys(noLog).sort()).toEqual(Object.keys(p).filter((k) => k !== 'log').sort());
  });

  test('before the exit code is known there is no exitCode; unknown ids are 404 with empty body', async () => {
    const url = await submit(server, { Executable: 'true', haveClientStageIn: 'true' });
    const p = (await get(url)).json();
    expect(p).not.toHaveProperty('exitCode');
    expect(p.batchSystemID).toBe('N/A');
    const missing = await get(`${server.url}/jobs/no-such-job`);
    expect(missing.status).toBe(404);
    expect(missing.body.length).toBe(0);
  });
});

describe('conformance 8: listing, paging, tags', () => {
  test('list pages with next/previous, filters by tags, and tags can be replaced', async () => {
    const tag = `t${Date.now()}`;
    const urls: string[] = [];
    for (let i = 0; i < 5; i++) urls.push(await submit(server, { Executable: 'true', Tags: [tag, `n${i}`], haveClientStageIn: true }));
    const all = (await get(`/jobs?tags=${tag}`)).json();
    expect(all.jobs).toEqual(urls);
    expect(all._links.self.href).toContain('/jobs');
    const p1 = (await get(`/jobs?tags=${tag}&offset=0&num=2`)).json();
    expect(p1.jobs).toEqual(urls.slice(0, 2));
    expect(p1._links.previous).toBeUndefined();
    const p2 = (await get(p1._links.next.href)).json();
    expect(p2.jobs).toEqual(urls.slice(2, 4));
    expect((await get(p2._links.previous.href)).json().jobs).toEqual(urls.slice(0, 2));
    expect((await get(`/jobs?tags=${tag},n3`)).json().jobs).toEqual([urls[3]]);
    const put = await raw(server, 'PUT', urls[0], { headers: userJson(server), body: JSON.stringify({ tags: ['renamed'], nope: 1 }) });
    expect(put.json()).toEqual({ tags: 'OK', nope: 'Property not found or cannot be modified!' });
    expect((await get(`/jobs?tags=${tag}`)).json().jobs).toEqual(urls.slice(1));
    expect((await get('/jobs?tags=renamed')).json().jobs).toEqual([urls[0]]);
  });
});

describe('conformance 9: delete', () => {
  test('DELETE → 204; then job and working directory are 404 with empty bodies', async () => {
    const url = await submit(server, { Executable: 'echo hi' });
    const p = await waitFor(server, url, finished);
    expect((await raw(server, 'DELETE', url, { headers: userJson(server) })).status).toBe(204);
    for (const u of [url, p._links.workingDirectory.href]) {
      const res = await get(u);
      expect(res.status).toBe(404);
      expect(res.body.length).toBe(0);
    }
  });
});

describe('conformance 14 and 15: what the job sees', () => {
  test('stdout/stderr land in the working dir; Stdout/Stderr rename them', async () => {
    const a = await submit(server, { Executable: 'echo out; echo err >&2' });
    await waitFor(server, a, finished);
    expect(await download(a, 'stdout')).toBe('out\n');
    expect(await download(a, 'stderr')).toBe('err\n');
    const b = await submit(server, { Executable: 'echo out; echo err >&2', Stdout: 'my.out', Stderr: 'my.err' });
    await waitFor(server, b, finished);
    expect(await download(b, 'my.out')).toBe('out\n');
    expect(await download(b, 'my.err')).toBe('err\n');
    expect(await download(b, 'stdout')).toBe('<404>');
  });

  test('inline imports (string and lines), environment (map and K=V), arguments, resources echoed', async () => {
    const desc = {
      Executable: 'bash',
      Arguments: ['run.sh', 'a b', '$FOO'],
      Environment: { FOO: 'bar' },
      Parameters: { WIDTH: '640' },
      Imports: [
        { From: 'inline://dummy', To: 'run.sh', Data: 'printf "%s|" "$@"; echo "$FOO $WIDTH $BAZ"; cat lines.txt' },
        { To: 'lines.txt', Data: ['one', 'two'] },
      ],
      Resources: { Queue: 'batch', Runtime: '10min', Nodes: 1, Project: 'acct1' },
    };
    const url = await submit(server, desc);
    expect((await waitFor(server, url, finished)).status).toBe('SUCCESSFUL');
    // Arguments are shell words (as in UNICORE): "a b" splits, $FOO expands.
    expect(await download(url, 'stdout')).toBe('a|b|bar|bar 640 \none\ntwo');
    expect((await get(`${url}/submitted`)).json().Resources).toEqual(desc.Resources);
    const arr = await submit(server, { Executable: 'echo "$BAZ"', Environment: ['BAZ=x=y'] });
    await waitFor(server, arr, finished);
    expect(await download(arr, 'stdout')).toBe('x=y\n');
  });

  test('Imports from this server\'s own storage URLs copy the file; sites accept submissions too', async () => {
    const put = await raw(server, 'PUT', '/storages/HOME/files/in/data.txt', {
      headers: { ...userJson(server), 'Content-Type': 'application/octet-stream' }, body: 'from home',
    });
    expect(put.status).toBe(204);
    const site = (await get('/sites')).json().sites[0] as string;
    const res = await raw(server, 'POST', site, {
      headers: userJson(server),
      body: JSON.stringify({ Executable: 'cat in.dat', Imports: [{ From: `${server.url}/storages/HOME/files/in/data.txt`, To: 'in.dat' }] }),
    });
    expect(res.status).toBe(201);
    const url = res.headers.location as string;
    expect((await waitFor(server, url, finished)).status).toBe('SUCCESSFUL');
    expect(await download(url, 'stdout')).toBe('from home');
    const foreign = await submit(server, { Executable: 'true', Imports: [{ From: 'https://elsewhere.example/x', To: 'x' }] });
    const failed = await waitFor(server, foreign, finished);
    expect(failed.status).toBe('FAILED');
    expect(failed.statusMessage).toMatch(/Stage-in failed: .*only from its own storages/);
  });

  test('the server\'s own environment does not leak into jobs', async () => {
    process.env.HPCINV_TEST_SECRET = 'leak';
    try {
      const url = await submit(server, { Executable: 'echo "[$HPCINV_TEST_SECRET]"' });
      await waitFor(server, url, finished);
      expect(await download(url, 'stdout')).toBe('[]\n');
    } finally {
      delete process.env.HPCINV_TEST_SECRET;
    }
  });
});

describe('conformance 17: concurrency', () => {
  test('50 parallel submissions get distinct ids; statuses seen while polling are always enum values', async () => {
    const urls = await Promise.all(Array.from({ length: 50 }, (_, i) => submit(server, { Executable: `sleep 0.0${i % 10}`, Tags: ['burst'] })));
    expect(new Set(urls).size).toBe(50);
    const seen = new Set<string>();
    const until = Date.now() + 30_000;
    let pending = urls;
    while (pending.length && Date.now() < until) {
      const props = await Promise.all(pending.map((u) => get(`${u}?fields=status`).then((r) => r.json())));
      props.forEach((p) => seen.add(p.status));
      pending = pending.filter((_, i) => !finished(props[i].status));
    }
    expect(pending).toEqual([]);
    for (const s of seen) expect(JOB_STATES).toContain(s);
    expect(seen.has('SUCCESSFUL')).toBe(true);
  });
});
