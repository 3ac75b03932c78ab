import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { list } from 'tar';
import { packageRoot, version } from '../../src/version.js';
import { launcherWords } from '../../src/jobs/unicore/job-description.js';
import { taskCommandFor } from '../../src/jobs/slurm/job-script.js';
import { siteSchema } from '../../src/sites/schema.js';
import { sharedBundle } from '../bundle/shared-bundle.js';
import { chunkFile, chunkValues, doneMarker, makeReferenceRun } from '../bundle/tiny-run.js';
import { parseDef } from './apptainer-def.js';

/**
 * Builds the image with podman from a base made of this machine's node (no registry), then runs tasks
 * in it on a bind-mounted run directory. Needs root and podman (CI installs it with
 * scripts/containers/install-podman.sh); elsewhere the suite is skipped, but never on CI.
 */
const env = { ...process.env, CONTAINERS_CONF: join(packageRoot, 'containers', 'containers.conf') };
const run = (cmd: string, args: string[], options: { cwd?: string } = {}): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, { encoding: 'utf8', env, cwd: options.cwd ?? packageRoot, maxBuffer: 64 << 20 });
const podmanWorks = process.getuid?.() === 0 && run('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}']).status === 0;
if (!podmanWorks && process.env.CI) {
  throw new Error('podman is not usable on CI — fix: .ci/run must call scripts/containers/install-podman.sh as root');
}
const describeImage = podmanWorks ? describe : describe.skip;

const TAG = `localhost/hpcinv-test:${version}-${process.pid}`;
const UID = 1000; // the image's USER

describeImage('the hpcinv image (podman, registry-free base)', () => {
  let runDir: string;
  let runParent: string;
  let reference: string;
  let work: string;
  let buildSeconds: number;

  beforeAll(async () => {
    const bundle = await sharedBundle();
    ({ dir: runParent, run: runDir, reference } = makeReferenceRun());
    work = mkdtempSync(join(tmpdir(), 'hpcinv-image-test-'));
    const t0 = performance.now();
    const build = run('sh', ['containers/build.sh', '--tag', TAG, '--bundle', bundle.file, '--save', join(work, 'image.tar')]);
    buildSeconds = (performance.now() - t0) / 1000;
    if (build.status !== 0) throw new Error(`containers/build.sh failed:\n${build.stderr.slice(-3000)}`);
    expect(build.stdout.trim().split('\n').at(-1)).toBe(TAG);
    // the image's user owns nothing on the host: give it the run directory, as a site's user would own theirs
    chownTree(runParent, UID);
  }, 600_000); // bundle + reference run + image build: minutes on 2 busy cores

  afterAll(() => {
    run('podman', ['rmi', '-f', TAG]);
    if (work) rmSync(work, { recursive: true, force: true });
    if (runParent) rmSync(runParent, { recursive: true, force: true });
  });

  test('carries the version label, a non-root user and the hpcinv task entry point', () => {
    const inspect = JSON.parse(run('podman', ['image', 'inspect', TAG]).stdout)[0];
    expect(inspect.Config.Labels['org.opencontainers.image.version']).toBe(version);
    expect(inspect.Config.User).toBe(`${UID}:${UID}`);
    expect(inspect.Config.Entrypoint).toEqual(['/usr/local/bin/hpcinv-entrypoint']);
    const uid = run('podman', ['run', '--rm', '--entrypoint', 'node', TAG, '-e', 'process.stdout.write(String(process.getuid()))']);
    expect(uid.stdout).toBe(String(UID));
    console.log(`image build (bundle given, base cached): ${buildSeconds.toFixed(1)} s`);
  });

  test('holds production dependencies only', () => {
    const ls = run('podman', ['run', '--rm', '--entrypoint', 'node', TAG, '-e', "console.log(require('fs').readdirSync('/opt/hpcinv/node_modules').join('\\n'))"]);
    const modules = ls.stdout.trim().split('\n');
    expect(modules).toEqual(expect.arrayContaining(['apache-arrow', 'yargs', 'onnxruntime-node']));
    for (const dev of ['jest', 'typescript', 'ts-jest', 'nodejs-polars', 'dockerfile-utils']) expect(modules).not.toContain(dev);
  });

  test('runs a task on the bind-mounted run directory and reproduces the host’s numbers', () => {
    const r = run('podman', ['run', '--rm', '-v', `${runDir}:${runDir}`, TAG, runDir, '--chunk', '0', '--attempt', '3']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const marker = doneMarker(runDir, 0);
    expect(marker).toMatchObject({ chunk: 0, attempt: 3, rows: 1, version });
    expect(marker.host).not.toBe(hostname()); // it ran inside the container
    expect(statSync(chunkFile(join(runDir, 'chunks'), 0)).uid).toBe(UID);
    expect(chunkValues(chunkFile(join(runDir, 'chunks'), 0))).toEqual(chunkValues(chunkFile(reference, 0)));
  });

  test('the UNICORE podman launcher runs the image as written in the job', () => {
    // exactly the words a UNICORE job's script gets, executed by sh in the run directory
    const words = launcherWords({ container: { runtime: 'podman', image: TAG } });
    const r = run('sh', ['-c', `${words} task . --chunk 1 --attempt 3`], { cwd: runDir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(doneMarker(runDir, 1)).toMatchObject({ chunk: 1, attempt: 3 });
    expect(chunkValues(chunkFile(join(runDir, 'chunks'), 1))).toEqual(chunkValues(chunkFile(reference, 1)));
  });

  test('the SLURM job’s Sarus command line works with the image’s entry point', () => {
    // Sarus keeps an image's ENTRYPOINT and replaces only its CMD by the words after the image (Sarus
    // user guide, "Image entrypoint and default arguments"), as podman does: so the job's words after
    // the image, run here by podman with the same bind mount, are what the container gets under Sarus.
    const site = siteSchema.parse({ container: { runtime: 'sarus', image: TAG } });
    const words = taskCommandFor(site, runDir, []);
    const afterImage = words.slice(words.indexOf(TAG) + 1);
    expect(words).toContain(`--mount=type=bind,source=${runDir},destination=${runDir}`);
    const r = run('podman', ['run', '--rm', '-v', `${runDir}:${runDir}`, TAG, ...afterImage, 'task', runDir, '--chunk', '1', '--attempt', '5']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(doneMarker(runDir, 1)).toMatchObject({ chunk: 1, attempt: 5 });
  });

  test('apptainer.def’s %runscript and %test work with the image’s own /bin/sh', () => {
    // Apptainer cannot run here; after `apptainer build` from this image, it runs these bodies with the
    // container's /bin/sh, which is what this does (as the image user).
    const def = parseDef(readFileSync(join(packageRoot, 'containers', 'apptainer.def'), 'utf8'));
    const check = run('podman', ['run', '--rm', '--entrypoint', 'sh', TAG, '-c', def.sections.get('test')!]);
    expect(check.stdout.trim()).toBe(version);
    const r = run('podman', ['run', '--rm', '-v', `${runDir}:${runDir}`, '--entrypoint', 'sh', TAG, '-c', def.sections.get('runscript')!, 'runscript', runDir, '--chunk', '0', '--attempt', '4']);
    expect(r.status).toBe(0);
    expect(doneMarker(runDir, 0)).toMatchObject({ chunk: 0, attempt: 4 });
  });

  test('refuses a run made by an incompatible hpcinv, exit code 2 through podman', () => {
    const old = join(work, 'old-run');
    cpSync(runDir, old, { recursive: true });
    const planPath = join(old, 'plan.json');
    writeFileSync(planPath, JSON.stringify({ ...JSON.parse(readFileSync(planPath, 'utf8')), version: '9.0.0' }));
    chownTree(old, UID);
    const before = readdirSync(join(old, 'chunks')).sort();
    const r = run('podman', ['run', '--rm', '-v', `${old}:${old}`, TAG, old, '--chunk', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/9\.0\.0.*fix:/);
    expect(readdirSync(join(old, 'chunks')).sort()).toEqual(before);
  });

  test('--save writes a docker-archive (the input of apptainer.def and sarus load) naming the image', async () => {
    const names: string[] = [];
    await list({ file: join(work, 'image.tar'), onReadEntry: (e) => names.push(e.path) });
    expect(names).toContain('manifest.json');
    const manifest = spawnSync('tar', ['-xOf', join(work, 'image.tar'), 'manifest.json'], { encoding: 'utf8' });
    expect(JSON.parse(manifest.stdout)[0].RepoTags).toEqual([TAG]);
  });
});

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid);
}
