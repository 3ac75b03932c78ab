import { InputError } from '../../errors.js';
import { loadSite } from '../../sites/load.js';
import type { BackendFactoryOptions } from '../backends.js';
import { taskCommand } from '../local/task-command.js';
import { openTransport } from '../transport/open.js';
import { stageBundle } from './bundle-stage.js';
import { SlurmBackend } from './slurm-backend.js';

/**
 * `backend: { name: slurm, site: <name or path>, profile: { …overrides… }, acceptHostKey: false }` in the
 * experiment (or HPCINV_SITE) → a SLURM backend on that site's transport.
 */
export function createSlurmBackend(opts: BackendFactoryOptions): SlurmBackend {
  const { settings } = opts;
  const siteName = typeof settings.site === 'string' ? settings.site : process.env.HPCINV_SITE;
  if (!siteName) {
    throw new InputError('the slurm backend needs a site profile — fix: set backend.site in the experiment (e.g. site: test-cluster, or a path to a YAML profile) or HPCINV_SITE');
  }
  const overrides = settings.profile ?? {};
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new InputError('backend.profile must be a mapping of site-profile fields — fix: e.g. profile: { slurm: { partition: debug } }');
  }
  const site = loadSite(siteName, overrides as Record<string, unknown>);
  const transport = openTransport(site.profile, {
    acceptNewHostKey: settings.acceptHostKey === true || process.env.HPCINV_ACCEPT_HOST_KEY === '1',
  });
  let hpcinv: Promise<string[]> | undefined;
  return new SlurmBackend({
    site,
    transport,
    concurrency: opts.concurrency ?? (typeof settings.concurrency === 'number' ? settings.concurrency : undefined),
    hpcinvCommand: ({ stage }) => {
      if (site.profile.hpcinvCommand) return Promise.resolve(site.profile.hpcinvCommand);
      // On the login node the compute nodes share the file system: run this very installation.
      if (transport.kind === 'local') return Promise.resolve(taskCommand());
      if (!stage && !hpcinv) return Promise.resolve(['node', `${site.profile.workDir}/bundles/<sha256 of the bundle, staged at submit>/package/dist/cli/main.js`]);
      return (hpcinv ??= stageBundle(transport, site.profile.workDir));
    },
  });
}
