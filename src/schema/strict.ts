import { z } from 'zod';

/**
 * A strict zod object whose errors name the fix: an unknown field (a typo such as `hgih`) lists the
 * allowed ones, and a value that is not a mapping says which fields the mapping takes.
 */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')} — fix: remove them; allowed here: ${allowed}`
        : issue.code === 'invalid_type'
          ? `expected a mapping with fields ${allowed}`
          : undefined,
  });
}
