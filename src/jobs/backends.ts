import type { Backend, BackendHints } from './backend.js';
import { LocalBackend } from './local/local-backend.js';
import { InputError } from '../errors.js';

/** What `hpcinv submit`/`cancel`/`retry` hand a backend factory. */
export interface BackendFactoryOptions {
  runDir: string;
  /** The experiment's `backend` section (site profile name, account, URL, ...), free-form per backend. */
  settings: Record<string, unknown>;
  /** Tasks (or array elements) allowed to run at once, when the user set it (`--concurrency`). */
  concurrency?: number;
}

export type BackendFactory = (opts: BackendFactoryOptions) => (Backend & BackendHints) | Promise<Backend & BackendHints>;

/**
 * Backend name → factory. Every `hpcinv submit --backend NAME` goes through the one lifecycle with the
 * backend made here. SLURM and UNICORE add one line each.
 */
export const backends: Record<string, BackendFactory> = {
  local: ({ settings, concurrency }) =>
    new LocalBackend({ concurrency: concurrency ?? (typeof settings.concurrency === 'number' ? settings.concurrency : undefined) }),
  unicore: async (opts) => (await import('./unicore/factory.js')).createUnicoreBackend(opts),
  slurm: async (opts) => (await import('./slurm/factory.js')).createSlurmBackend(opts),
};

export async function createBackend(name: string, opts: BackendFactoryOptions): Promise<Backend & BackendHints> {
  const factory = backends[name];
  if (!factory) {
    throw new InputError(`unknown backend "${name}" — fix: use one of ${Object.keys(backends).join(', ')} (--backend or the experiment's backend.name)`);
  }
  return factory(opts);
}
