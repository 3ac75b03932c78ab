import { describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizationHeader, loadCredentials } from '../../../src/jobs/unicore/credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-cred-'));
function file(name: string, text: string, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

describe('UNICORE credentials', () => {
  test('a token in the environment wins, then user + password', () => {
    expect(loadCredentials({ HPCINV_UNICORE_TOKEN: ' tok ', HPCINV_UNICORE_USER: 'u', HPCINV_UNICORE_PASSWORD: 'p' })).toEqual({ kind: 'bearer', token: 'tok' });
    expect(loadCredentials({ HPCINV_UNICORE_USER: 'u', HPCINV_UNICORE_PASSWORD: 'p:q' })).toEqual({ kind: 'basic', user: 'u', password: 'p:q' });
  });

  test('Authorization headers: Basic is base64 of user:password, Bearer carries the token', () => {
    expect(authorizationHeader({ kind: 'basic', user: 'demouser', password: 'test123' })).toBe('Basic ZGVtb3VzZXI6dGVzdDEyMw==');
    expect(authorizationHeader({ kind: 'bearer', token: 'abc' })).toBe('Bearer abc');
  });

  test('only one of user/password, or nothing at all, is refused with the fix', () => {
    expect(() => loadCredentials({ HPCINV_UNICORE_USER: 'u' })).toThrow(/set both/);
    expect(() => loadCredentials({})).toThrow(/no UNICORE credentials — fix: export HPCINV_UNICORE_TOKEN/);
  });

  test('a chmod-600 file with {token} or {user, password} is read; the env var names it', () => {
    const t = file('t.yaml', 'token: abc\n', 0o600);
    expect(loadCredentials({}, t)).toEqual({ kind: 'bearer', token: 'abc' });
    const b = file('b.json', '{"user": "u", "password": "secret"}', 0o400);
    expect(loadCredentials({ HPCINV_UNICORE_CREDENTIALS: b }, t)).toEqual({ kind: 'basic', user: 'u', password: 'secret' });
  });

  test.each([0o644, 0o640, 0o604, 0o620])('a file with mode %o is refused, naming chmod 600', (mode) => {
    const p = file(`open-${mode}.yaml`, 'token: abc\n', mode);
    expect(() => loadCredentials({}, p)).toThrow(`fix: chmod 600 ${p}`);
  });

  test('broken or incomplete files are refused without echoing their content', () => {
    const broken = file('broken.yaml', 'password: "hunter2\n  : :', 0o600);
    let message = '';
    try {
      loadCredentials({}, broken);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not valid YAML\/JSON — fix:/);
    expect(message).not.toContain('hunter2');
    expect(() => loadCredentials({}, file('partial.yaml', 'user: u\n', 0o600))).toThrow(/neither "token" nor "user" and "password"/);
    expect(() => loadCredentials({}, join(dir, 'missing.yaml'))).toThrow(/ENOENT — fix: check the path/);
  });
});
