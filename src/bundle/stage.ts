import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { execa } from 'execa';
import { InputError } from '../errors.js';
import { listProductionPackages } from './production-packages.js';
import { isForeignPlatformFile, type TargetPlatform } from './target-platform.js';

/** What `npm pack --dry-run --json` reports for one package. */
interface PackReport {
  name: string;
  version: string;
  files: { path: string }[];
}

/** The files npm would publish from `projectRoot` (package.json `files`, .npmignore and npm's own rules). */
export async function publishedFiles(projectRoot: string): Promise<string[]> {
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: projectRoot,
    env: { npm_config_update_notifier: 'false' },
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new InputError('npm is not on the PATH — fix: run `hpcinv bundle` where Node.js came with npm');
    throw err;
  });
  const [report] = JSON.parse(stdout) as PackReport[];
  if (!report) throw new InputError(`npm pack --dry-run printed no package for ${projectRoot} — fix: check package.json`);
  return report.files.map((f) => f.path).sort();
}

/**
 * Lay out in `stageDir` the package as npm publishes it plus its production dependencies under
 * `node_modules`, with package.json naming them in `bundleDependencies` so that `npm pack` puts them into
 * the tarball. Nothing in the project is modified.
 */
export async function stageBundle(projectRoot: string, stageDir: string, target: TargetPlatform | undefined) {
  // the lock file first: an installed copy (no lock, maybe no npm) is refused with its fix right away
  const packages = listProductionPackages(projectRoot);
  const files = await publishedFiles(projectRoot);
  if (!files.includes('dist/cli/main.js')) {
    throw new InputError(
      `${join(projectRoot, 'dist/cli/main.js')} is missing: the bundle carries the compiled CLI — ` +
        'fix: run `npm run build` first',
    );
  }

  for (const file of files) {
    if (file === 'package.json') continue;
    mkdirSync(dirname(join(stageDir, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(stageDir, file), { preserveTimestamps: true });
  }

  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    [key: string]: unknown;
  };
  manifest.bundleDependencies = Object.keys(manifest.dependencies ?? {}).sort();
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const pkg of packages) {
    const source = join(projectRoot, pkg.location);
    const name = packageNameOf(pkg.location);
    cpSync(source, join(stageDir, pkg.location), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => {
        const inside = relative(source, from).split(sep).join('/');
        // nested node_modules are their own lock entries (copied only if they are production ones)
        if (inside === 'node_modules' || inside.startsWith('node_modules/')) return false;
        return !(target && isForeignPlatformFile(name, inside, target));
      },
    });
  }
  return { packages, files };
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function packageNameOf(location: string): string {
  return location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
}
