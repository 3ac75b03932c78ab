import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { builtinSitesDir, deepMerge, expandHome, userConfigDir } from '../../sites/load.js';

/**
 * How hpcinv reaches a UNICORE site and what its jobs ask for: the experiment's `backend` section, on top
 * of an optional site profile (`site: name-or-path`) that a site's users share.
 * Credentials are deliberately not a setting: they come from the environment or a chmod-600 file.
 */
const launcherSchema = z.union([
  z.strictObject({ command: z.array(z.string().min(1)).min(1) }),
  z.strictObject({
    container: z.strictObject({
      runtime: z.enum(['apptainer', 'podman'], { error: 'launcher.container.runtime must be apptainer or podman — fix: or use launcher.command with the exact words' }),
      image: z.string().min(1),
    }),
  }),
  /** An `hpcinv bundle` tarball: uploaded once to the HOME storage, unpacked there by the first job. */
  z.strictObject({ bundle: z.string().min(1) }),
], { error: 'launcher must be {command: [words...]}, {container: {runtime, image}} or {bundle: file.tgz} — fix: e.g. launcher: {command: [hpcinv]}' });

const RUNTIME_ERROR = 'backend.runtime must be seconds or a number with min, h or d — fix: e.g. runtime: 30min';

export const unicoreSettingsSchema = z.strictObject({
  url: z.string({ error: 'backend.url is missing — fix: set it to the site\'s https://<gateway>/<SITE>/rest/core URL' })
    .regex(/^https:\/\/[^/]+\/.*rest\/core\/?$/, { error: 'backend.url must be https://<host>/<SITE>/rest/core — fix: copy the REST base URL from the site\'s documentation' }),
  caBundle: z.string().min(1).optional(),
  credentialsFile: z.string().min(1).optional(),
  queue: z.string().min(1).optional(),
  runtime: z.union([
    z.string().regex(/^\d+(\.\d+)?\s*(s|min|h|d)?$/, { error: RUNTIME_ERROR }),
    z.number({ error: RUNTIME_ERROR }).positive({ error: RUNTIME_ERROR }),
  ], { error: RUNTIME_ERROR }).optional(),
  nodes: z.number().int().positive().optional(),
  project: z.string().min(1).optional(),
  launcher: launcherSchema.default({ command: ['hpcinv'] }),
  /** Shell run before the task on the site (e.g. `module load Node`); written by the site's users, used verbatim. */
  precommand: z.string().optional(),
  environment: z.record(z.string(), z.string()).default({}),
  /** Job description template; default templates/unicore/job.json from the package. */
  template: z.string().min(1).optional(),
  deleteFinished: z.boolean().default(false),
  /** Longest wait between two status polls (real sites update states every 30–60 s). */
  pollMaxSeconds: z.number().positive().default(30),
  lostGraceSeconds: z.number().nonnegative().default(600),
  requestTimeoutSeconds: z.number().positive().default(60),
  retries: z.number().int().nonnegative().max(20).default(5),
  /** Jobs submitted/uploaded/downloaded at once. */
  parallelRequests: z.number().int().positive().max(32).default(4),
});

export type UnicoreSettings = z.infer<typeof unicoreSettingsSchema>;

const PATH_KEYS = ['caBundle', 'credentialsFile', 'template'] as const;

/**
 * UNICORE site profiles share the SLURM profiles' home and conventions (built-in `slurm/sites/unicore/`,
 * then the user's `sites/unicore/`, merged key by key) but live in their own folder, since their
 * `unicore:` section is not part of the SLURM profile schema. Shape:
 * `{ description?, unicore: {url, queue, ...}, container?: {runtime, image}, hpcinvCommand?: [...] }`.
 */
const profileSchema = z.strictObject({
  description: z.string().optional(),
  unicore: z.record(z.string(), z.unknown(), { error: 'a UNICORE site profile needs a unicore: section — fix: see slurm/sites/unicore/example.yaml' }),
  container: z.strictObject({
    runtime: z.enum(['none', 'apptainer', 'podman'], { error: 'container.runtime must be none, apptainer or podman for UNICORE — fix: or set unicore.launcher.command' }).default('none'),
    image: z.string().min(1).optional(),
  }).optional(),
  hpcinvCommand: z.array(z.string().min(1)).min(1).optional(),
});

function readProfile(site: string): { file: string; data: Record<string, unknown> }[] {
  const files = site.includes('/') || /\.ya?ml$/.test(site)
    ? [resolve(expandHome(site))]
    : [join(builtinSitesDir, 'unicore', `${site}.yaml`), join(userConfigDir(), 'sites', 'unicore', `${site}.yaml`)];
  const layers = files.filter((f) => existsSync(f)).map((file) => {
    try {
      return { file, data: (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown> };
    } catch (err) {
      throw new InputError(`cannot read the UNICORE site profile ${file}: ${(err as Error).message.split('\n')[0]} — fix: correct the YAML syntax`);
    }
  });
  if (layers.length === 0) {
    throw new InputError(`no UNICORE site profile "${site}" (looked for ${files.join(', ')}) — fix: create one from slurm/sites/unicore/example.yaml or give its path in backend.site`);
  }
  return layers;
}

/** Settings from `backend.site` (a UNICORE site profile) with the experiment's inline backend keys on top. */
export function resolveUnicoreSettings(raw: Record<string, unknown>): UnicoreSettings {
  const { site, name: _name, concurrency: _c, ...inline } = raw;
  let merged: Record<string, unknown> = {};
  if (site !== undefined) {
    if (typeof site !== 'string') throw new InputError('backend.site must be a site name or a YAML path — fix: e.g. site: example');
    let doc: unknown = {};
    const layers = readProfile(site);
    for (const l of layers) {
      const u = (l.data.unicore ?? {}) as Record<string, unknown>;
      for (const k of PATH_KEYS) if (typeof u[k] === 'string') u[k] = resolve(dirname(l.file), expandHome(u[k] as string));
      doc = deepMerge(doc, l.data);
    }
    const p = profileSchema.safeParse(doc);
    if (!p.success) {
      const i = p.error.issues[0];
      throw new InputError(`UNICORE site profile ${layers.map((l) => l.file).join(' + ')}: ${i.path.join('.')}: ${i.message}`);
    }
    merged = { ...p.data.unicore };
    const c = p.data.container;
    if (merged.launcher === undefined) {
      if (c && c.runtime !== 'none') {
        if (!c.image) throw new InputError(`UNICORE site profile "${site}": container.runtime ${c.runtime} needs container.image — fix: the image path on the site, e.g. /p/project/x/hpcinv.sif`);
        merged.launcher = { container: { runtime: c.runtime, image: c.image } };
      } else if (p.data.hpcinvCommand) merged.launcher = { command: p.data.hpcinvCommand };
    }
  }
  for (const [k, v] of Object.entries(inline)) {
    merged[k] = (PATH_KEYS as readonly string[]).includes(k) && typeof v === 'string' ? resolve(expandHome(v)) : v;
  }
  const launcher = merged.launcher as { bundle?: unknown } | undefined;
  if (typeof launcher?.bundle === 'string') merged.launcher = { bundle: resolve(expandHome(launcher.bundle)) };
  const secret = Object.keys(merged).find((k) => /pass|token|secret|credential(?!sFile)/i.test(k));
  if (secret) {
    throw new InputError(`backend.${secret}: credentials do not belong in an experiment or site profile (they would be copied into the run and to the site) — fix: remove it and export HPCINV_UNICORE_TOKEN, or HPCINV_UNICORE_USER and HPCINV_UNICORE_PASSWORD, or set credentialsFile to a chmod-600 file`);
  }
  const parsed = unicoreSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length && !issue.message.startsWith('backend.') ? `backend.${issue.path.join('.')}: ` : '';
    throw new InputError(`${where}${issue.message}${issue.message.includes('fix:') ? '' : ' — fix: see docs/unicore.md for the backend settings'}`);
  }
  return parsed.data;
}
