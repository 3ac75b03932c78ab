/**
 * The one place where shell words are quoted. Every command hpcinv runs on a remote host, and every
 * value a job-script template receives, goes through `shellQuote`: POSIX single quotes, which the shell
 * never looks inside, with an embedded `'` written as `'\''`. Words made only of characters that no shell
 * treats specially stay bare so that rendered scripts and logged commands remain readable.
 */
import { InputError } from '../../errors.js';

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    throw new InputError(
      `a shell word contains a NUL byte (${JSON.stringify(word.slice(0, 40))}) — fix: remove it; no command line can carry one`,
    );
  }
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argument vector as one shell command line, each word quoted exactly once. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new InputError('empty command — fix: name the program to run');
  return argv.map(shellQuote).join(' ');
}
