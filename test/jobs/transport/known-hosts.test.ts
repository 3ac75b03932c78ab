import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendKnownHost, keyTypeOfBlob, verifyHostKey } from '../../../src/jobs/transport/known-hosts.js';

/** A fresh ed25519 host key made by OpenSSH's own ssh-keygen: [type, base64 blob]. */
function makeKey(dir: string, name: string): [string, Buffer] {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  const [type, b64] = readFileSync(`${path}.pub`, 'utf8').split(' ');
  return [type!, Buffer.from(b64!, 'base64')];
}

describe('known_hosts verification', () => {
  let dir: string;
  let keyA: [string, Buffer];
  let keyB: [string, Buffer];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-kh-'));
    keyA = makeKey(dir, 'a');
    keyB = makeKey(dir, 'b');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const line = (hosts: string, k: [string, Buffer]): string => `${hosts} ${k[0]} ${k[1].toString('base64')}\n`;

  test('plain entries: port 22 by bare name, other ports as [host]:port', () => {
    const text = line('login.example.org,10.0.0.1', keyA) + line('[127.0.0.1]:2222', keyB);
    expect(verifyHostKey(text, 'login.example.org', 22, ...keyA)).toBe('trusted');
    expect(verifyHostKey(text, '10.0.0.1', 22, ...keyA)).toBe('trusted');
    expect(verifyHostKey(text, '127.0.0.1', 2222, ...keyB)).toBe('trusted');
    // The same host on another port is another entry.
    expect(verifyHostKey(text, '127.0.0.1', 22, ...keyB)).toBe('unknown');
    expect(verifyHostKey(text, 'other.example.org', 22, ...keyA)).toBe('unknown');
  });

  test('a different key of the same type for a known host is "changed"', () => {
    const text = line('[127.0.0.1]:2222', keyA);
    expect(verifyHostKey(text, '127.0.0.1', 2222, ...keyB)).toBe('changed');
  });

  test('entries hashed by ssh-keygen -H are matched', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, line('[127.0.0.1]:2222', keyA) + line('login.example.org', keyB));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('127.0.0.1');
    expect(verifyHostKey(text, '127.0.0.1', 2222, ...keyA)).toBe('trusted');
    expect(verifyHostKey(text, 'login.example.org', 22, ...keyB)).toBe('trusted');
    expect(verifyHostKey(text, '127.0.0.1', 2222, ...keyB)).toBe('changed');
    expect(verifyHostKey(text, '127.0.0.2', 2222, ...keyA)).toBe('unknown');
  });

  test('wildcards, negations, @revoked and comments', () => {
    const text = `# comment\n${line('*.hpc.example.org,!evil.hpc.example.org', keyA)}@revoked ${line('*', keyB).trimEnd()}\n`;
    expect(verifyHostKey(text, 'login1.hpc.example.org', 22, ...keyA)).toBe('trusted');
    expect(verifyHostKey(text, 'evil.hpc.example.org', 22, ...keyA)).toBe('unknown');
    expect(verifyHostKey(text, 'login1.hpc.example.org', 22, ...keyB)).toBe('revoked');
  });

  test('an accepted key is appended in the format OpenSSH reads back', async () => {
    const file = join(dir, 'accepted');
    await appendKnownHost(file, '127.0.0.1', 2222, ...keyA);
    expect(verifyHostKey(readFileSync(file, 'utf8'), '127.0.0.1', 2222, ...keyA)).toBe('trusted');
    // ssh-keygen -F finds it, proving the line is valid OpenSSH syntax.
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(keyA[1].toString('base64'));
  });

  test('the key type is read from the blob', () => {
    expect(keyTypeOfBlob(keyA[1])).toBe('ssh-ed25519');
  });
});
