import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../errors.js';
import { makeBundle } from '../../bundle/make-bundle.js';
import { parseTargetPlatform } from '../../bundle/target-platform.js';
import { packageRoot } from '../../version.js';
import type { Transport } from '../transport/transport.js';
import { resolveRemoteDir } from './remote-run.js';

/**
 * Put this hpcinv (the `hpcinv bundle` tarball: package + production dependencies) on the cluster
 * under `<workDir>/bundles/<sha256>/` unless it is already there, and return the command that starts
 * it. Used over SSH when no container is used. The local tarball is cached by a key of the built code
 * and the lock file, so it is rebuilt only when hpcinv changes.
 */
export async function stageBundle(transport: Transport, workDir: string): Promise<string[]> {
  const base = await resolveRemoteDir(transport, workDir);
  const uname = await transport.exec(['uname', '-sm']);
  const platform = remotePlatform(uname.stdout);
  const bundle = await localBundle(platform);
  const dir = `${base}/bundles/${bundle.sha256}`;
  const entry = `${dir}/package/dist/cli/main.js`;
  if ((await transport.exec(['test', '-f', entry])).exitCode !== 0) {
    const tgz = `${base}/bundles/${bundle.sha256}.tgz`;
    const tmp = `${dir}.tmp-${process.pid}`;
    await transport.upload(bundle.file, tgz);
    const steps: string[][] = [['rm', '-rf', '--', tmp], ['mkdir', '-p', '--', tmp], ['tar', '-xzf', tgz, '-C', tmp, '--no-same-owner'], ['mv', '-T', '--', tmp, dir], ['rm', '-f', '--', tgz]];
    for (const step of steps) {
      const r = await transport.exec(step, { timeoutMs: 600_000 });
      // Another orchestrator may have installed the same bundle meanwhile: that is fine.
      if (r.exitCode !== 0 && !(step[0] === 'mv' && (await transport.exec(['test', '-f', entry])).exitCode === 0)) {
        throw new BackendError(`cannot install the hpcinv bundle in ${dir} on ${transport.describe}: ${r.stderr.trim()} — fix: check free space and permissions of the site's workDir`);
      }
    }
  }
  return ['node', entry];
}

function remotePlatform(uname: string): string {
  const [os, machine] = uname.trim().split(/\s+/);
  const arch = machine === 'x86_64' ? 'x64' : machine === 'aarch64' || machine === 'arm64' ? 'arm64' : machine;
  const name = `${os?.toLowerCase()}-${arch}`;
  parseTargetPlatform(name); // refuses platforms the native dependency does not ship for
  return name;
}

const built = new Map<string, Promise<{ file: string; sha256: string }>>();

function localBundle(platform: string): Promise<{ file: string; sha256: string }> {
  let pending = built.get(platform);
  if (!pending) {
    pending = (async () => {
      const outDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hpcinv', 'bundles', `${codeKey()}-${platform}`);
      const existing = existsSync(outDir) ? readdirSync(outDir).find((f) => f.endsWith('.tgz.sha256')) : undefined;
      if (existing) {
        const sha256 = readFileSync(join(outDir, existing), 'utf8').split(/\s+/)[0]!;
        return { file: join(outDir, existing.slice(0, -'.sha256'.length)), sha256 };
      }
      const r = await makeBundle({ projectRoot: packageRoot, outDir, target: parseTargetPlatform(platform) });
      return { file: r.file, sha256: r.sha256 };
    })();
    built.set(platform, pending);
  }
  return pending;
}

/** Changes whenever the built code, the package manifest or the locked dependencies change. */
function codeKey(): string {
  const hash = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(packageRoot, f)));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  walk(join(packageRoot, 'dist'));
  return hash.digest('hex').slice(0, 16);
}
