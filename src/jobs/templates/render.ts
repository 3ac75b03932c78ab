import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import { InputError } from '../../errors.js';
import { packageRoot } from '../../version.js';
import { shellQuote } from '../transport/quote.js';
import { PLACEHOLDERS, type TemplateContext } from './contract.js';

export const builtinTemplatesDir = join(packageRoot, 'templates', 'slurm');

/** A built-in template by name (`array` → templates/slurm/array.sh.mustache) or a site's file by path. */
export function templatePath(nameOrPath: string): string {
  return nameOrPath.includes('/') ? nameOrPath : join(builtinTemplatesDir, `${nameOrPath}.sh.mustache`);
}

export function readTemplate(nameOrPath: string): string {
  const path = templatePath(nameOrPath);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read job template ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} — fix: set slurm.template to a built-in name (array) or a readable file`);
  }
}

/**
 * Render a job-script template. The only escaping happens here: every `{{value}}` and every `{{.}}`
 * of a list goes through `shellQuote`, which is also right for `#SBATCH` lines (sbatch's directive
 * parser honours the same single quotes). A value with a line break could end a directive line early,
 * so it is refused.
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  for (const [key, value] of Object.entries(context)) {
    if (!(key in PLACEHOLDERS)) throw new InputError(`internal: placeholder ${key} is not in the template contract — fix: report this bug`);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && /[\n\r]/.test(item)) {
        throw new InputError(`${key} contains a line break (${JSON.stringify(item.slice(0, 60))}) — fix: remove it; job-script values must be single lines`);
      }
    }
  }
  return Mustache.render(template, context, {}, { escape: (value: unknown) => shellQuote(String(value)) });
}
