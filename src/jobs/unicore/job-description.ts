import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { packageRoot } from '../../version.js';
import type { ChunkAttempt } from '../backend.js';
import type { UnicoreSettings } from './settings.js';

/**
 * UNICORE job descriptions from a template file the site's users own (`templates/unicore/job.json`).
 *
 * Contract: the template is JSON; any string in it may contain `{{name}}` placeholders from
 * `PLACEHOLDERS`. Values are substituted as they are — the one place that quotes is `launcherWords`,
 * because UNICORE pastes Executable and Arguments into a shell script. An object member whose value
 * renders to "" is dropped (so unset queue/project disappear); digit-only Resources become numbers.
 * hpcinv itself sets `Tags` and `haveClientStageIn` (it needs them to find and start its jobs).
 */
export const PLACEHOLDERS = ['run', 'chunk', 'attempt', 'jobId', 'launcher', 'precommand', 'queue', 'runtime', 'nodes', 'project'] as const;

export const DEFAULT_TEMPLATE = join(packageRoot, 'templates', 'unicore', 'job.json');

/** Tags that make a job findable on the server: by run, by chunk, and by exact attempt. */
export function jobTags(runId: string, a: ChunkAttempt): string[] {
  return ['hpcinv', `hpcinv-${runId}`, `hpcinv-${runId}-c${a.chunk}`, attemptTag(runId, a)];
}

export function attemptTag(runId: string, a: ChunkAttempt): string {
  return `hpcinv-${runId}-c${a.chunk}-a${a.attempt}`;
}

const shq = (s: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A word quoted for the job's shell; `{{workdir}}` inside it becomes "$PWD" (the job's working dir). */
function shellWord(word: string): string {
  return word.split('{{workdir}}').map((p) => (p === '' ? '' : shq(p))).join('"$PWD"');
}

/** The command line before `task ...`, quoted once for the job's shell. */
export function launcherWords(launcher: UnicoreSettings['launcher']): string {
  if ('command' in launcher) return launcher.command.map(shellWord).join(' ');
  // Known only once the bundle is staged (see bundle-stage.ts); this stands in for `--dry-run`.
  if ('bundle' in launcher) return 'node <HOME storage>/hpcinv/bundles/<sha256>/package/dist/cli/main.js';
  const { runtime, image } = launcher.container;
  // The image's entry point is `hpcinv task`; we call the `hpcinv` wrapper inside it explicitly.
  const words = runtime === 'apptainer'
    ? ['apptainer', 'exec', '--bind', '{{workdir}}', '--pwd', '{{workdir}}', image, 'hpcinv']
    : ['podman', 'run', '--rm', '--entrypoint', 'hpcinv', '-v', '{{workdir}}:{{workdir}}', '-w', '{{workdir}}', image];
  return words.map(shellWord).join(' ');
}

export class JobTemplate {
  private readonly template: unknown;
  private readonly usesPrecommand: boolean;

  constructor(readonly path: string = DEFAULT_TEMPLATE) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read the UNICORE job template ${path}: ${(err as Error).message} — fix: check backend.template`);
    }
    try {
      this.template = JSON.parse(text);
    } catch (err) {
      throw new InputError(`the UNICORE job template ${path} is not JSON (${(err as Error).message}) — fix: correct the file; see docs/unicore.md`);
    }
    const used = new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
    this.usesPrecommand = used.has('precommand');
    for (const name of used) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw new InputError(`the UNICORE job template ${path} uses unknown placeholder {{${name}}} — fix: use only ${PLACEHOLDERS.join(', ')}`);
      }
    }
    for (const needed of ['chunk', 'attempt', 'launcher']) {
      if (!used.has(needed)) {
        throw new InputError(`the UNICORE job template ${path} never uses {{${needed}}} — fix: every job must run \`{{launcher}} task . --chunk {{chunk}} --attempt {{attempt}}\``);
      }
    }
  }

  /** Refuses a template that could not run a bundle launcher (its set-up goes into the precommand). */
  checkFor(settings: UnicoreSettings): void {
    if ('bundle' in settings.launcher && !this.usesPrecommand) {
      throw new InputError(`the UNICORE job template ${this.path} has no "User precommand": "{{precommand}}", which a bundle launcher needs to unpack hpcinv — fix: add it (see templates/unicore/job.json)`);
    }
  }

  /** `staged`: launcher and set-up of a bundle staged on the site. */
  render(settings: UnicoreSettings, runId: string, a: ChunkAttempt, staged?: { launcher: string; setup: string }): Record<string, unknown> {
    const values: Record<string, string> = {
      run: runId,
      chunk: String(a.chunk),
      attempt: String(a.attempt),
      jobId: `unicore-${attemptTag(runId, a)}`,
      launcher: staged?.launcher ?? launcherWords(settings.launcher),
      precommand: [settings.precommand, staged?.setup].filter(Boolean).join('; '),
      queue: settings.queue ?? '',
      runtime: settings.runtime === undefined ? '' : String(settings.runtime),
      nodes: settings.nodes === undefined ? '' : String(settings.nodes),
      project: settings.project ?? '',
    };
    const out = substitute(this.template, values, false) as Record<string, unknown>;
    if (typeof out !== 'object' || out === null || Array.isArray(out)) {
      throw new InputError(`the UNICORE job template ${this.path} must be a JSON object — fix: see templates/unicore/job.json`);
    }
    const env = (out.Environment ?? {}) as Record<string, string>;
    out.Environment = { ...settings.environment, ...env };
    out.Tags = jobTags(runId, a);
    out.haveClientStageIn = 'true';
    return out;
  }
}

function substitute(node: unknown, values: Record<string, string>, inResources: boolean): unknown {
  if (typeof node === 'string') {
    const s = node.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => values[k]);
    return inResources && /^\d+$/.test(s) ? Number(s) : s;
  }
  if (Array.isArray(node)) return node.map((n) => substitute(n, values, inResources));
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = substitute(v, values, inResources || k === 'Resources');
      if (r === '') continue;
      out[k] = r;
    }
    return out;
  }
  return node;
}
