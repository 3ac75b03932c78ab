import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellCommand, shellQuote } from '../../../src/jobs/transport/quote.js';
import { InputError } from '../../../src/errors.js';
import { hostileWords } from './hostile.js';

/** Run a command line in a real shell and return the words printf received, NUL-separated. */
function wordsSeenBy(shell: string, words: string[]): string[] {
  const line = shellCommand(['printf', '%s\\0', ...words]);
  const out = execFileSync(shell, ['-c', line], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-quote-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(['sh', 'bash', 'dash'])('hostile words reach the program unchanged through %s and run nothing', (shell) => {
    const canary = join(dir, `pwned-${shell}`);
    const words = hostileWords(canary);
    expect(wordsSeenBy(shell, words)).toEqual(words);
    expect(existsSync(canary)).toBe(false);
  });

  test('words a shell cannot misread stay bare; others get single quotes', () => {
    expect(shellQuote('--array=0-9%2')).toBe('--array=0-9%2');
    expect(shellQuote('/scratch/run_1/chunks')).toBe('/scratch/run_1/chunks');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  test('quoting twice (a command inside bash -lc) still delivers the words unchanged', () => {
    const canary = join(dir, 'pwned-nested');
    const words = hostileWords(canary);
    const inner = shellCommand(['printf', '%s\\0', ...words]);
    const outer = shellCommand(['bash', '-c', inner]);
    const out = execFileSync('sh', ['-c', outer], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
    expect(existsSync(canary)).toBe(false);
  });

  test('a NUL byte is refused with a fix', () => {
    expect(() => shellQuote('a\0b')).toThrow(InputError);
    expect(() => shellQuote('a\0b')).toThrow(/NUL byte.*fix:/);
  });

  test('an empty command is refused', () => {
    expect(() => shellCommand([])).toThrow(/empty command/);
  });
});
