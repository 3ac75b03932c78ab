import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, version } from '../../src/version.js';
import { sharedBundle } from '../bundle/shared-bundle.js';
import { parseDef } from './apptainer-def.js';

/**
 * Apptainer cannot be installed here, so `apptainer build` of containers/apptainer-bundle.def never runs.
 * This runs the def's own %post, %test and %runscript bodies with /bin/sh on this Debian 12 host (the
 * def's base, node:20-slim, is Debian 12 too), in a private mount namespace whose /opt and
 * /usr/local/bin are empty tmpfs mounts, as in a fresh image. Needs root (unshare -m).
 */
const isRoot = process.getuid?.() === 0;
(isRoot ? describe : describe.skip)('apptainer-bundle.def build steps (emulated without apptainer)', () => {
  let work: string;
  let bundleFile: string;
  beforeAll(async () => {
    bundleFile = (await sharedBundle()).file;
    work = mkdtempSync(join(tmpdir(), 'hpcinv-def-'));
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('%files + %post install the bundle; %test, %runscript and the hpcinv wrapper run it', () => {
    const def = parseDef(readFileSync(join(packageRoot, 'containers', 'apptainer-bundle.def'), 'utf8'));
    const [source, destination] = def.sections.get('files')!.trim().split(/\s+/);
    expect(source).toBe('hpcinv-bundle.tgz');
    const labels = join(work, 'labels');
    const script = [
      'set -eu',
      'mount -t tmpfs tmpfs /opt',
      'mount -t tmpfs tmpfs /usr/local/bin',
      `cp "$BUNDLE" ${destination}`,
      'sh -c "$POST"',
      'echo "test: $(sh -c "$TEST")"',
      'echo "wrapper: $(hpcinv --version)"',
      'sh -c "$RUNSCRIPT" runscript --help | head -n 1',
    ].join('\n');
    const r = spawnSync('unshare', ['-m', '--', 'sh', '-c', script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        BUNDLE: bundleFile,
        POST: def.sections.get('post')!,
        TEST: def.sections.get('test')!,
        RUNSCRIPT: def.sections.get('runscript')!,
        APPTAINER_LABELS: labels,
        PATH: `/usr/local/bin:${process.env.PATH}`,
      },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`test: ${version}`);
    expect(r.stdout).toContain(`wrapper: ${version}`);
    expect(r.stdout).toMatch(/hpcinv task <run>/);
    expect(readFileSync(labels, 'utf8')).toBe(`org.opencontainers.image.version ${version}\n`);
  });
});
