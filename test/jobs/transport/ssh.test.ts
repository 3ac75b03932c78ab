import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SshTransport, type SshOptions } from '../../../src/jobs/transport/ssh.js';
import { BackendError } from '../../../src/errors.js';
import { sshEnv, withSshd } from '../slurm/test-cluster.js';
import { hostileWords } from './hostile.js';

withSshd('SSH transport against the test sshd (127.0.0.1:2222, MaxSessions 10)', () => {
  let dir: string;
  const transports: SshTransport[] = [];
  const open = (extra: Partial<SshOptions> = {}): SshTransport => {
    const t = new SshTransport({ ...sshEnv, maxChannels: 8, ...extra });
    transports.push(t);
    return t;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-ssh-'));
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs argument vectors with hostile words unchanged, as the test user', async () => {
    const t = open();
    const canary = `/tmp/hpcinv-ssh-canary-${process.pid}`;
    const words = hostileWords(canary);
    const r = await t.exec(['printf', '%s\\0', ...words]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
    expect(existsSync(canary)).toBe(false);
    expect((await t.exec(['id', '-un'])).stdout.trim()).toBe(sshEnv.user);
  });

  test('through a login shell (bash -lc) hostile words still arrive unchanged', async () => {
    const t = open({ loginShell: true });
    const canary = `/tmp/hpcinv-ssh-login-canary-${process.pid}`;
    const words = hostileWords(canary);
    const r = await t.exec(['printf', '%s\\0', ...words], { cwd: '/tmp' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
    expect(existsSync(canary)).toBe(false);
  });

  test('exit codes, stderr, stdin and cwd come through; a missing program is 127', async () => {
    const t = open();
    const r = await t.exec(['sh', '-c', 'cat; echo oops >&2; exit 7'], { stdin: 'from stdin' });
    expect(r).toEqual({ stdout: 'from stdin', stderr: 'oops\n', exitCode: 7 });
    expect((await t.exec(['pwd'], { cwd: '/tmp' })).stdout.trim()).toBe('/tmp');
    expect((await t.exec(['no-such-program-hpcinv'])).exitCode).toBe(127);
  });

  test('one connection serves many parallel commands; the channel cap keeps them below MaxSessions', async () => {
    const logins = (): number => (readFileSync(join(dirname(sshEnv.knownHostsFile), 'sshd.log'), 'utf8').match(/Accepted publickey for /g) ?? []).length;
    const before = logins();
    const t = open({ maxChannels: 8 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => t.exec(['sh', '-c', `sleep 0.2; echo ${i}`])));
    expect(results.map((r) => r.exitCode)).toEqual(Array(30).fill(0));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    // sshd logs one "Accepted publickey" per connection: 30 commands, one login.
    expect(logins() - before).toBe(1);
  });

  test('no more commands run at once than the cap allows', async () => {
    const t = open({ maxChannels: 5 });
    const d = `hpcinv-cap-${process.pid}`;
    await t.exec(['mkdir', '-p', d]);
    // Each command registers itself, counts the registered ones, and leaves after a while.
    const script = `touch ${d}/$$; ls ${d} | wc -l; sleep 0.3; rm ${d}/$$`;
    const results = await Promise.all(Array.from({ length: 20 }, () => t.exec(['sh', '-c', script])));
    const peak = Math.max(...results.map((r) => Number(r.stdout.trim())));
    expect(peak).toBeLessThanOrEqual(4); // 5 channels, one of them kept for SFTP
    expect(peak).toBeGreaterThanOrEqual(2);
    await t.exec(['rm', '-rf', d]);
  });

  test('a connection dropped under a running command is an error (not an exit status), and the next command reconnects', async () => {
    const t = open();
    // Kill the sshd process serving this connection from inside the command.
    await expect(t.exec(['sh', '-c', 'kill -9 $PPID; sleep 5'])).rejects.toThrow(/connection to .* was lost while/);
    expect((await t.exec(['echo', 'again'])).stdout).toBe('again\n');
  });

  test('upload and download are atomic copies through SFTP', async () => {
    const t = open();
    const local = join(dir, 'payload.bin');
    const bytes = Buffer.from(Array.from({ length: 300000 }, (_, i) => (i * 7) % 256));
    writeFileSync(local, bytes);
    const remote = `hpcinv-ssh-test-${process.pid}/sub dir/payload.bin`;
    await t.upload(local, remote);
    await t.upload(local, remote); // replacing an existing file works too
    await t.download(remote, join(dir, 'back.bin'));
    expect(readFileSync(join(dir, 'back.bin')).equals(bytes)).toBe(true);
    const ls = await t.exec(['ls', '-A', `hpcinv-ssh-test-${process.pid}/sub dir`]);
    expect(ls.stdout.trim()).toBe('payload.bin');
    await t.exec(['rm', '-rf', `hpcinv-ssh-test-${process.pid}`]);
  });

  test('an unknown host key is refused with its fingerprint and the fix; accepting it records it', async () => {
    const knownHostsFile = join(dir, 'empty_known_hosts');
    writeFileSync(knownHostsFile, '');
    const refuse = open({ knownHostsFile });
    await expect(refuse.exec(['true'])).rejects.toThrow(/host key of 127\.0\.0\.1:2222 \(SHA256:.*\) is not in .*--accept-host-key/);
    const accept = open({ knownHostsFile, acceptNewHostKey: true });
    expect((await accept.exec(['true'])).exitCode).toBe(0);
    // Now known: a plain connection works, and OpenSSH's client accepts our line too.
    expect((await open({ knownHostsFile }).exec(['true'])).exitCode).toBe(0);
    const ssh = execFileSync('ssh', ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes',
      '-i', sshEnv.identityFile, '-p', String(sshEnv.port), `${sshEnv.user}@${sshEnv.host}`, 'echo', 'ok'], { encoding: 'utf8' });
    expect(ssh.trim()).toBe('ok');
  });

  test('a changed host key is refused as a possible interception', async () => {
    const knownHostsFile = join(dir, 'changed_known_hosts');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'impostor')]);
    const pub = readFileSync(join(dir, 'impostor.pub'), 'utf8').split(' ');
    writeFileSync(knownHostsFile, `[127.0.0.1]:2222 ${pub[0]} ${pub[1]}\n`);
    await expect(open({ knownHostsFile }).exec(['true'])).rejects.toThrow(/differs from the one in .*intercepting/);
  });

  test('a wrong key, a closed port and an unparsable key give clear errors', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'stranger')]);
    await expect(open({ identityFile: join(dir, 'stranger') }).exec(['true'])).rejects.toThrow(/refused key authentication.*authorized_keys/);
    const closed = open({ port: 1 });
    await expect(closed.exec(['true'])).rejects.toThrow(BackendError);
    await expect(closed.exec(['true'])).rejects.toThrow(/cannot reach 127\.0\.0\.1:1 \(ECONNREFUSED\).*fix:/);
    writeFileSync(join(dir, 'garbage'), 'not a key');
    await expect(open({ identityFile: join(dir, 'garbage') }).exec(['true'])).rejects.toThrow(/cannot use SSH key .*garbage.*fix:/);
  });

  test('key material never appears in error messages', async () => {
    const key = readFileSync(sshEnv.identityFile, 'utf8');
    copyFileSync(sshEnv.identityFile, join(dir, 'copy'));
    const err = await open({ port: 1, identityFile: join(dir, 'copy') }).exec(['true']).catch((e: Error) => e);
    const body = key.split('\n').filter((l) => l && !l.startsWith('-----'))[0]!;
    expect(String((err as Error).message)).not.toContain(body.slice(0, 20));
  });
});
