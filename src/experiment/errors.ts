import type { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * Every zod issue as `  at <field.path>: <message>`; messages written in this project already carry
 * "— fix: ..."; zod's own messages (unknown keys, wrong types) get a generic fix appended.
 */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const path = i.path.length ? i.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k ? '.' : ''}${String(p)}`)).join('') : '(top level)';
    let msg = i.message;
    // Sections set a custom message for wrong types, which zod also uses for unknown keys: name the keys.
    if (i.code === 'unrecognized_keys') msg = `unknown key(s) ${i.keys.join(', ')} — fix: remove or correct the misspelled key(s) (\`hpcinv init\` writes a commented example)`;
    else if (!msg.includes('fix:')) msg = `${msg} — fix: see the commented example from \`hpcinv init\``;
    return `  at ${path}: ${msg}`;
  });
}

export function experimentError(file: string, issues: z.core.$ZodIssue[]): InputError {
  const lines = formatIssues(issues);
  return new InputError(`${file} has ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
}
