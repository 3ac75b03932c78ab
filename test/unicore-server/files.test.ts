import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startUnicoreServer, type RunningUnicoreServer } from '../../src/unicore-server/server.js';
import { basic, raw, submit, userJson } from './raw-https.js';

let server: RunningUnicoreServer;
let jobUrl: string;
let wd: string;
beforeAll(async () => {
  server = await startUnicoreServer();
  jobUrl = await submit(server, { Executable: 'true', haveClientStageIn: 'true' });
  wd = (await raw(server, 'GET', jobUrl, { headers: userJson(server) })).json()._links.workingDirectory.href;
});
afterAll(async () => server.close());

const allBytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
const upload = (path: string, body: Buffer | string) =>
  raw(server, 'PUT', `${wd}/files/${path}`, { headers: { ...basic(server), 'Content-Type': 'application/octet-stream' }, body });
const fetchBytes = (path: string, headers: Record<string, string> = {}) =>
  raw(server, 'GET', `${wd}/files/${path}`, { headers: { ...basic(server), Accept: 'application/octet-stream', ...headers } });
const getJson = (url: string) => raw(server, 'GET', url, { headers: userJson(server) });

describe('conformance 10: the working directory storage', () => {
  test('props: READY, files link, actions; BASE/storages hides uspaces unless filter=all', async () => {
    const props = (await getJson(wd)).json();
    expect(props.resourceStatus).toBe('READY');
    expect(props._links.files.href).toBe(`${wd}/files`);
    expect(props._links['action:copy'].href).toBe(`${wd}/actions/copy`);
    expect(props._links.job.href).toBe(jobUrl);
    const plain = (await getJson('/storages')).json().storages as string[];
    expect(plain).toEqual([`${server.url}/storages/HOME`]);
    const all = (await getJson('/storages?filter=all')).json().storages as string[];
    expect(all).toContain(wd);
  });
});

describe('conformance 11: upload', () => {
  test('PUT octet-stream → 204, creates parents, bytes 0x00–0xFF round-trip', async () => {
    const res = await upload('sub/dir/f.bin', allBytes);
    expect(res.status).toBe(204);
    const back = await fetchBytes('sub/dir/f.bin');
    expect(back.status).toBe(200);
    expect(Buffer.compare(back.body, allBytes)).toBe(0);
  });

  test('PUT with JSON content type changes properties, never the content', async () => {
    await upload('props.txt', 'content');
    const res = await raw(server, 'PUT', `${wd}/files/props.txt`, {
      headers: userJson(server), body: JSON.stringify({ permissions: 'rw-r-----', metadata: { kind: 'x' }, bogus: 1 }),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ permissions: 'OK', metadata: 'OK', bogus: 'Property not found or cannot be modified!' });
    expect((await fetchBytes('props.txt')).body.toString()).toBe('content');
    const stat = (await getJson(`${wd}/files/props.txt`)).json();
    expect(stat.permissions).toBe('rw-r-----');
    expect(stat.metadata).toEqual({ kind: 'x' });
  });

  test('a path with .. cannot leave the storage', async () => {
    // %2F keeps the client's URL parser from resolving the dots itself: the server sees "../../escape.txt"
    expect((await upload('%2E%2E%2F%2E%2E%2Fescape.txt', 'x')).status).toBe(204);
    // normalised into the storage root, like a chroot
    expect((await fetchBytes('escape.txt')).body.toString()).toBe('x');
  });
});

describe('conformance 12: download', () => {
  test('exact bytes, ranges, bad range, directory, missing', async () => {
    await upload('r.bin', allBytes);
    const part = await fetchBytes('r.bin', { Range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect([...part.body]).toEqual([2, 3, 4, 5]);
    expect(part.headers['content-range']).toBe('bytes 2-5/512');
    const tail = await fetchBytes('r.bin', { Range: 'bytes=-3' });
    expect(tail.status).toBe(206);
    expect([...tail.body]).toEqual([253, 254, 255]);
    expect((await fetchBytes('r.bin', { Range: 'lines=1-2' })).status).toBe(416);
    expect((await fetchBytes('r.bin', { Range: 'bytes=900-' })).status).toBe(416);
    expect((await fetchBytes('sub')).status).toBe(406);
    const missing = await fetchBytes('nope.bin');
    expect(missing.status).toBe(404);
    expect(missing.body.length).toBe(0);
  });
});

describe('conformance 13: listing and stat', () => {
  test('directory content keyed by storage-absolute paths, dirs with trailing slash', async () => {
    await upload('list/a.txt', 'abc');
    await upload('list/inner/b.txt', 'b');
    const listing = (await getJson(`${wd}/files/list`)).json();
    expect(listing.isDirectory).toBe(true);
    expect(Object.keys(listing.content).sort()).toEqual(['/list/a.txt', '/list/inner/']);
    expect(listing.content['/list/a.txt']).toMatchObject({ isDirectory: false, size: 3, permissions: expect.stringMatching(/^[rwx-]{9}$/) });
    expect(listing.content['/list/inner/']).toMatchObject({ isDirectory: true });
    const root = (await getJson(`${wd}/files`)).json();
    expect(Object.keys(root.content)).toContain('/list/');
    const stat = await getJson(`${wd}/files/list/a.txt`);
    expect(stat.headers['accept-ranges']).toBe('bytes');
    expect(stat.json()).toMatchObject({ isDirectory: false, size: 3, owner: server.accounts[0].user });
  });

  test('mkdir by POST → 201 + Location; DELETE → 204 then 404', async () => {
    const mk = await raw(server, 'POST', `${wd}/files/made/here`, { headers: userJson(server), body: '{}' });
    expect(mk.status).toBe(201);
    expect(mk.headers.location).toBe(`${wd}/files/made/here`);
    expect((await getJson(`${wd}/files/made/here`)).json().isDirectory).toBe(true);
    expect((await raw(server, 'DELETE', `${wd}/files/made`, { headers: basic(server) })).status).toBe(204);
    expect((await getJson(`${wd}/files/made`)).status).toBe(404);
  });

  test('a symbolic link that points out of the storage is refused', async () => {
    const url = await submit(server, { Executable: 'ln -s / root' });
    const jobWd = `${url.replace('/jobs/', '/storages/')}-uspace`;
    for (let i = 0; i < 100 && (await getJson(url)).json().status !== 'SUCCESSFUL'; i++) await new Promise((r) => setTimeout(r, 50));
    const res = await raw(server, 'GET', `${jobWd}/files/root/etc/hostname`, { headers: { ...basic(server), Accept: 'application/octet-stream' } });
    expect(res.status).toBe(403);
  });
});

describe('conformance 16: storage actions', () => {
  test('copy and rename with from/to → 204; missing from or to → 400', async () => {
    await upload('orig.txt', 'data');
    const act = (name: string, body: unknown) =>
      raw(server, 'POST', `${wd}/actions/${name}`, { headers: userJson(server), body: JSON.stringify(body) });
    expect((await act('copy', { from: 'orig.txt', to: 'copy/of.txt' })).status).toBe(204);
    expect((await fetchBytes('copy/of.txt')).body.toString()).toBe('data');
    expect((await act('rename', { from: 'orig.txt', to: 'moved.txt' })).status).toBe(204);
    expect((await fetchBytes('orig.txt')).status).toBe(404);
    expect((await fetchBytes('moved.txt')).body.toString()).toBe('data');
    const missing = await act('copy', { from: 'moved.txt' });
    expect(missing.status).toBe(400);
    expect(missing.json().errorMessage).toMatch(/"to"/);
    expect((await act('rename', { to: 'x' })).status).toBe(400);
  });
});
