import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBundle, type BundleResult } from '../../src/bundle/make-bundle.js';
import { hostPlatform, parseTargetPlatform } from '../../src/bundle/target-platform.js';
import { packageRoot } from '../../src/version.js';

/**
 * One bundle for all deployment tests of a test run (the bundle and the container tests both need it
 * and making it takes tens of seconds on 2 cores). It lives in the temp dir under a key of everything
 * that goes into it (dist/, package.json, package-lock.json, templates, containers), so a stale one is
 * never reused; concurrent jest workers wait on a lock directory instead of packing twice.
 */
export async function sharedBundle(): Promise<BundleResult> {
  const dir = join(tmpdir(), `hpcinv-test-bundle-${inputsKey()}`);
  const lock = `${dir}.lock`;
  const resultFile = join(dir, 'result.json');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (existsSync(resultFile)) return JSON.parse(readFileSync(resultFile, 'utf8')) as BundleResult;
    try {
      mkdirSync(lock);
    } catch {
      // another worker is packing; a lock older than 10 minutes belongs to a dead process
      if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(500);
      continue;
    }
    try {
      rmSync(dir, { recursive: true, force: true });
      removeStaleBundles();
      const result = await makeBundle({ projectRoot: packageRoot, outDir: dir, target: parseTargetPlatform(hostPlatform()) });
      writeFileSync(`${resultFile}.tmp`, JSON.stringify(result));
      renameSync(`${resultFile}.tmp`, resultFile);
      return result;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function inputsKey(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    const full = join(packageRoot, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) add(join(path, entry));
    } else {
      hash.update(relative(packageRoot, full)).update('\0').update(readFileSync(full));
    }
  };
  for (const path of ['package.json', 'package-lock.json', 'dist', 'templates', 'containers', 'slurm', 'data']) add(path);
  return hash.digest('hex').slice(0, 16);
}

/** Bundles of earlier code (other keys) that no test has touched for an hour. */
function removeStaleBundles(): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (/^hpcinv-test-bundle-[0-9a-f]{16}$/.test(name) && Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}
