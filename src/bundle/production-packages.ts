import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/** One installed package the bundle must carry, as npm's lock file names it. */
export interface ProductionPackage {
  /** Path relative to the project root, e.g. `node_modules/ssh2` or `node_modules/a/node_modules/b`. */
  location: string;
  version: string;
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}

/**
 * The packages needed at run time, read from `package-lock.json` (lockfileVersion 2 or 3): every entry
 * that is neither dev-only nor optional. Optional packages are left out on purpose: the only ones here
 * are ssh2's native speed-ups (cpu-features, nan, buildcheck), which would be unbuilt binaries on the
 * target node; ssh2 runs without them.
 *
 * Each package must be installed in `node_modules` at the locked version, so the bundle is exactly the
 * lock file's production tree and can be made without network access.
 */
export function listProductionPackages(projectRoot: string): ProductionPackage[] {
  const lockPath = join(projectRoot, 'package-lock.json');
  if (!existsSync(lockPath)) {
    throw new InputError(
      `${lockPath} is missing: a bundle is made from a source checkout with its lock file — ` +
        'fix: run `hpcinv bundle` from the hpcinv checkout after `npm ci && npm run build`',
    );
  }
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as {
    lockfileVersion?: number;
    packages?: Record<string, LockEntry>;
  };
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new InputError(
      `${lockPath} has lockfileVersion ${lock.lockfileVersion ?? 'none'}, which lists no installed paths — ` +
        'fix: regenerate it with npm 7 or newer (`npm install --package-lock-only`)',
    );
  }
  const packages: ProductionPackage[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.dev || entry.optional || entry.devOptional) continue;
    if (entry.link) {
      throw new InputError(
        `${location} is a linked package (npm link / workspace), which a bundle cannot carry — ` +
          'fix: install it from the registry (`npm ci`) before bundling',
      );
    }
    const version = entry.version ?? '';
    const manifest = join(projectRoot, location, 'package.json');
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version
      : undefined;
    if (installed !== version) {
      throw new InputError(
        `${location} is ${installed === undefined ? 'not installed' : `installed at ${installed}`} but ` +
          `package-lock.json wants ${version} — fix: run \`npm ci\` in ${projectRoot}, then bundle again`,
      );
    }
    packages.push({ location, version });
  }
  return packages.sort((a, b) => a.location.localeCompare(b.location));
}
