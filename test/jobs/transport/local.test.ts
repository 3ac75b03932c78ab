import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../../src/jobs/transport/local.js';
import { hostileWords } from './hostile.js';

describe('LocalTransport', () => {
  const t = new LocalTransport();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-local-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('argument vectors reach the program unchanged (no shell in between)', async () => {
    const words = hostileWords(join(dir, 'canary'));
    const r = await t.exec(['printf', '%s\\0', ...words]);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
  });

  test('exit code, stderr, stdin and cwd; a missing program is 127 like a shell says', async () => {
    expect(await t.exec(['sh', '-c', 'cat; echo e >&2; exit 3'], { stdin: 'in' })).toEqual({ stdout: 'in', stderr: 'e\n', exitCode: 3 });
    expect((await t.exec(['pwd'], { cwd: dir })).stdout.trim()).toBe(dir);
    expect((await t.exec(['no-such-program-hpcinv'])).exitCode).toBe(127);
  });

  test('a command that hangs is stopped at its timeout with a clear error', async () => {
    await expect(t.exec(['sleep', '5'], { timeoutMs: 200 })).rejects.toThrow(/did not finish within 200 ms.*fix:/);
  });

  test('upload/download copy files', async () => {
    writeFileSync(join(dir, 'a'), 'payload');
    await t.upload(join(dir, 'a'), join(dir, 'sub', 'b'));
    await t.download(join(dir, 'sub', 'b'), join(dir, 'c'));
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('payload');
  });
});
