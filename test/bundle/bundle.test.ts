import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { list } from 'tar';
import { packageRoot, version } from '../../src/version.js';
import type { BundleResult } from '../../src/bundle/make-bundle.js';
import { sharedBundle } from './shared-bundle.js';
import { chunkFile, chunkValues, doneMarker, hostCli, makeReferenceRun } from './tiny-run.js';

const isRoot = process.getuid?.() === 0;
let bundle: BundleResult;
let entries: string[];
let work: string;

beforeAll(async () => {
  bundle = await sharedBundle();
  entries = [];
  await list({ file: bundle.file, onReadEntry: (e) => entries.push(e.path) });
  work = mkdtempSync(join(tmpdir(), 'hpcinv-bundle-test-'));
}, 600_000); // packing ~100 MB of dependencies takes tens of seconds on 2 busy cores

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Package directories in the tarball: paths made only of node_modules/<name> segments. */
function bundledLocations(): string[] {
  const pkg = /^package\/((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/;
  return entries.map((e) => pkg.exec(e)?.[1]).filter((x): x is string => x !== undefined).sort();
}

test('the bundle is named by version and platform and its .sha256 file matches the bytes', () => {
  expect(basename(bundle.file)).toBe(`hpcinv-${version}-${process.platform}-${process.arch}.tgz`);
  const sha = createHash('sha256').update(readFileSync(bundle.file)).digest('hex');
  expect(readFileSync(bundle.checksumFile, 'utf8')).toBe(`${sha}  ${basename(bundle.file)}\n`);
  expect(bundle.sha256).toBe(sha);
});

test('node_modules holds exactly the production, non-optional packages npm itself resolves', () => {
  // independent truth: npm's own dependency query on the checkout
  const r = spawnSync('npm', ['query', '.prod:not(.optional)'], { cwd: packageRoot, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const expected = [...new Set((JSON.parse(r.stdout) as { location: string }[]).map((p) => p.location))]
    .filter((l) => l !== '')
    .sort();
  expect(bundledLocations()).toEqual(expected);
  expect(bundle.packages).toBe(expected.length);
  // dev-only tools never ship
  expect(entries.some((e) => /node_modules\/(jest|typescript|ts-jest|nodejs-polars)\//.test(e))).toBe(false);
});

test('only this platform’s native onnxruntime binaries are carried', () => {
  const binaries = entries.filter((e) => e.includes('onnxruntime-node/bin/napi-v'));
  expect(binaries.some((e) => e.includes(`/${process.platform}/${process.arch}/`))).toBe(true);
  expect(binaries.filter((e) => !e.includes(`/${process.platform}/${process.arch}/`))).toEqual([]);
});

test('the package part is what npm publishes, with the compiled CLI and the bundled deps declared', () => {
  expect(entries).toEqual(expect.arrayContaining(['package/package.json', 'package/dist/cli/main.js', 'package/containers/Dockerfile']));
  expect(entries.some((e) => e.startsWith('package/src/') || e.startsWith('package/test/'))).toBe(false);
  const manifest = JSON.parse(spawnSync('tar', ['-xzOf', bundle.file, 'package/package.json'], { encoding: 'utf8' }).stdout);
  const ours = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  expect(manifest.bundleDependencies).toEqual(Object.keys(ours.dependencies).sort());
  expect(manifest.version).toBe(version);
});

describe('installed on a node without network', () => {
  let run: string;
  let reference: string;
  let runParent: string;

  beforeAll(() => {
    ({ dir: runParent, run, reference } = makeReferenceRun());
  }, 300_000);
  afterAll(() => rmSync(runParent, { recursive: true, force: true }));

  /** Run a command with no network at all: a new, empty network namespace (root) or npm offline mode. */
  const offline = (argv: string[], cwd: string) =>
    isRoot
      ? spawnSync('unshare', ['-n', '--', ...argv], { cwd, encoding: 'utf8' })
      : spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });

  (isRoot ? test : test.skip)('unshare -n leaves no network interface with an address', () => {
    const r = offline([process.execPath, '-e', 'console.log(JSON.stringify(Object.keys(require("os").networkInterfaces())))'], work);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  test('npm install --offline with an empty cache, then hpcinv task reproduces the host’s chunk', () => {
    const prefix = join(work, 'npm-prefix');
    const cache = join(work, 'empty-cache');
    mkdirSync(prefix);
    mkdirSync(cache);
    const install = offline(
      ['npm', 'install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', cache, '--prefix', prefix, bundle.file],
      prefix,
    );
    expect(install.stderr + install.stdout).toMatch(/added 1 package/);
    expect(install.status).toBe(0);

    const bin = join(prefix, 'node_modules', '.bin', 'hpcinv');
    const v = offline([bin, '--version'], work);
    expect(v.stdout.trim()).toBe(version);

    const task = offline([bin, 'task', run, '--chunk', '1', '--attempt', '2'], work);
    expect(task.stderr).toBe('');
    expect(task.status).toBe(0);
    expect(doneMarker(run, 1)).toMatchObject({ chunk: 1, attempt: 2, rows: 1, version });
    expect(chunkValues(chunkFile(join(run, 'chunks'), 1))).toEqual(chunkValues(chunkFile(reference, 1)));
  }, 300_000); // npm unpacks thousands of files through its cache

  test('plain tar extraction works as an install too (no npm on the node)', () => {
    const dir = join(work, 'extracted');
    mkdirSync(dir);
    expect(spawnSync('tar', ['-xzf', bundle.file, '-C', dir]).status).toBe(0);
    const main = join(dir, 'package', 'dist', 'cli', 'main.js');
    const task = offline([process.execPath, main, 'task', run, '--chunk', '0', '--attempt', '2'], work);
    expect(task.stderr).toBe('');
    expect(task.status).toBe(0);
    expect(doneMarker(run, 0)).toMatchObject({ chunk: 0, attempt: 2, rows: 1, version });
    expect(chunkValues(chunkFile(join(run, 'chunks'), 0))).toEqual(chunkValues(chunkFile(reference, 0)));
  });
});

test('hpcinv bundle refuses an unknown platform with the fix, writing nothing', () => {
  const out = join(work, 'refused');
  const r = spawnSync(process.execPath, [hostCli, 'bundle', '--out', out, '--platform', 'sparc-x'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--platform "sparc-x".*fix: use one of linux-x64/);
  expect(existsSync(out)).toBe(false);
});

test('without npm on the PATH, hpcinv bundle names the fix and leaves no directory behind', () => {
  const out = join(work, 'no-npm', 'out');
  const r = spawnSync(process.execPath, [hostCli, 'bundle', '--out', out], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/npm is not on the PATH — fix:/);
  expect(existsSync(out)).toBe(false);
});
