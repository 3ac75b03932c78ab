import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { packageRoot } from '../version.js';
import { siteSchema, type SiteProfile } from './schema.js';

export interface LoadedSite {
  name: string;
  profile: SiteProfile;
  /** Files merged, lowest precedence first (for messages and `render` headers). */
  sources: string[];
}

export const builtinSitesDir = join(packageRoot, 'slurm', 'sites');

/** `$HPCINV_CONFIG_DIR`, else `$XDG_CONFIG_HOME/hpcinv`, else `~/.config/hpcinv`. */
export function userConfigDir(): string {
  if (process.env.HPCINV_CONFIG_DIR) return process.env.HPCINV_CONFIG_DIR;
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hpcinv');
}

export function listSites(): string[] {
  const names = new Set<string>();
  for (const dir of [builtinSitesDir, join(userConfigDir(), 'sites')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) names.add(f.slice(0, -5));
  }
  return [...names].sort();
}

/**
 * A site by name (built-in `slurm/sites/<name>.yaml`, then the user's `sites/<name>.yaml` merged over
 * it) or by path to a YAML file, then `overrides` (e.g. from the experiment's backend section) merged
 * over that. Mappings merge key by key; lists and scalars replace.
 */
export function loadSite(site: string, overrides: Record<string, unknown> = {}): LoadedSite {
  const layers: { file: string; data: unknown }[] = [];
  let name: string;
  if (site.includes('/') || site.endsWith('.yaml') || site.endsWith('.yml')) {
    const file = resolve(site);
    if (!existsSync(file)) throw new InputError(`site profile ${file} does not exist — fix: give the path of a YAML site profile or a site name (${listSites().join(', ')})`);
    name = file.split('/').pop()!.replace(/\.ya?ml$/, '');
    layers.push({ file, data: readYaml(file) });
  } else {
    if (!/^[A-Za-z0-9_-]+$/.test(site)) throw new InputError(`site name "${site}" is not valid — fix: letters, digits, _ and - only, or a path to a YAML file`);
    name = site;
    for (const file of [join(builtinSitesDir, `${site}.yaml`), join(userConfigDir(), 'sites', `${site}.yaml`)]) {
      if (existsSync(file)) layers.push({ file, data: readYaml(file) });
    }
    if (layers.length === 0) {
      throw new InputError(`unknown site "${site}" — fix: use one of ${listSites().join(', ') || '(none found)'} or create ${join(userConfigDir(), 'sites', `${site}.yaml`)}`);
    }
  }
  let merged: unknown = {};
  for (const layer of layers) merged = deepMerge(merged, layer.data ?? {});
  merged = deepMerge(merged, overrides);
  const parsed = siteSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new InputError(`site profile "${name}" (${layers.map((l) => l.file).join(' + ')}${Object.keys(overrides).length ? ' + overrides' : ''}) is invalid:\n  ${problems.join('\n  ')}`);
  }
  const profile = parsed.data;
  if (profile.transport.kind === 'ssh') {
    profile.transport.knownHostsFile = expandHome(profile.transport.knownHostsFile);
    if (profile.transport.identityFile) profile.transport.identityFile = expandHome(profile.transport.identityFile);
  }
  return { name, profile, sources: layers.map((l) => l.file) };
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read site profile ${file}: ${(err as Error).message.split('\n')[0]} — fix: correct the YAML syntax`);
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** `~` and `~/…` in local paths mean the user's home directory. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
