import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { HpcinvError } from '../errors.js';
import { stageBundle } from './stage.js';
import type { TargetPlatform } from './target-platform.js';

export interface BundleOptions {
  /** The hpcinv source checkout (with package-lock.json, node_modules and dist/). */
  projectRoot: string;
  /** Directory the tarball and its `.sha256` file are written to (created if missing). */
  outDir: string;
  /** Platform whose native binaries to keep; undefined keeps all. */
  target: TargetPlatform | undefined;
}

export interface BundleResult {
  /** Absolute path of the tarball, `hpcinv-<version>-<os>-<arch>.tgz` (or `-any.tgz`). */
  file: string;
  /** Absolute path of the checksum file in `sha256sum -c` format. */
  checksumFile: string;
  version: string;
  platform: string;
  bytes: number;
  sha256: string;
  /** Production packages carried in node_modules. */
  packages: number;
  entries: number;
  seconds: number;
}

/** File name of a bundle, shared with the stage-in code and the docs. */
export function bundleFileName(version: string, platform: string): string {
  return `hpcinv-${version}-${platform}.tgz`;
}

/**
 * Make the offline bundle: `npm pack` of the package with its production dependencies bundled, so that
 * `npm install --offline` (or plain `tar -xzf`) works on a node without registry access. Written
 * atomically: the tarball appears under its final name only when complete.
 */
export async function makeBundle(options: BundleOptions): Promise<BundleResult> {
  const started = performance.now();
  const outDir = resolve(options.outDir);
  const createdOutDir = !existsSync(outDir);
  mkdirSync(outDir, { recursive: true });
  // staging lives next to the output so the final rename stays on one file system
  const work = mkdtempSync(join(outDir, '.hpcinv-bundle-'));
  let done = false;
  try {
    const stageDir = join(work, 'package');
    mkdirSync(stageDir);
    const staged = await stageBundle(options.projectRoot, stageDir, options.target);
    const packed = await npmPack(stageDir, work);

    const version = packed.version;
    const platform = options.target ? `${options.target.os}-${options.target.arch}` : 'any';
    const file = join(outDir, bundleFileName(version, platform));
    const sha256 = await sha256File(join(work, packed.filename));
    const checksumFile = `${file}.sha256`;
    writeFileSync(join(work, 'checksum'), `${sha256}  ${basename(file)}\n`);
    renameSync(join(work, packed.filename), file);
    renameSync(join(work, 'checksum'), checksumFile);
    done = true;
    return {
      file,
      checksumFile,
      version,
      platform,
      bytes: statSync(file).size,
      sha256,
      packages: staged.packages.length,
      entries: packed.entryCount,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    // a failed bundle leaves nothing behind, not even the directory it created
    if (!done && createdOutDir && readdirSync(outDir).length === 0) rmdirSync(outDir);
  }
}

interface NpmPackReport {
  filename: string;
  version: string;
  entryCount: number;
  bundled: string[];
}

async function npmPack(stageDir: string, destination: string): Promise<NpmPackReport> {
  const result = await execa(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    { cwd: stageDir, reject: false, env: { npm_config_update_notifier: 'false' } },
  );
  if (result.exitCode !== 0) {
    throw new HpcinvError(
      `npm pack failed in ${stageDir} (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' ')} — ` +
        'fix: check that `npm --version` works and that the disk has room for the bundle',
      1,
    );
  }
  const [report] = JSON.parse(result.stdout) as NpmPackReport[];
  if (!report || report.bundled.length === 0) {
    throw new HpcinvError('npm pack bundled no dependencies — fix: report this as a bug in hpcinv bundle', 1);
  }
  return report;
}

function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', fail);
  });
}
