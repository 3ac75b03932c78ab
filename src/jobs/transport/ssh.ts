/**
 * SSH transport (ssh2): one connection reused for every command and file transfer, channels capped
 * below the server's MaxSessions, host keys verified against known_hosts, key authentication from a
 * key file or the SSH agent. Commands are argument vectors quoted once by `shellCommand`.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { BackendError, InputError } from '../../errors.js';
import { appendKnownHost, keyTypeOfBlob, readKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';
import { shellCommand, shellQuote } from './quote.js';
import { Semaphore } from './semaphore.js';
import type { ExecOptions, ExecResult, Transport } from './transport.js';

export interface SshOptions {
  host: string;
  port: number;
  user: string;
  /** Private key file (OpenSSH or PEM format). Without it the SSH agent (`SSH_AUTH_SOCK`) is used. */
  identityFile?: string;
  /** Passphrase of an encrypted key file; read from the environment by the caller, never logged. */
  passphrase?: string;
  knownHostsFile: string;
  /** Trust and record a host key that known_hosts does not list yet (the user said so explicitly). */
  acceptNewHostKey?: boolean;
  /** Parallel channels on the one connection; real login nodes allow 10 (MaxSessions). */
  maxChannels: number;
  /** Run commands through `bash -lc` so that site shell profiles (modules, PATH) apply. */
  loginShell?: boolean;
  readyTimeoutMs?: number;
}

export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  readonly describe: string;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly channels: Semaphore;

  constructor(private readonly options: SshOptions) {
    this.describe = `${options.user}@${options.host}:${options.port}`;
    if (!Number.isInteger(options.maxChannels) || options.maxChannels < 2) {
      throw new InputError(`maxChannels is ${options.maxChannels} — fix: use an integer of at least 2 (one for SFTP, one for commands)`);
    }
    this.channels = new Semaphore(options.maxChannels - 1);
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    let command = shellCommand(argv);
    if (options.cwd !== undefined) command = `cd ${shellQuote(options.cwd)} && ${command}`;
    if (this.options.loginShell) command = shellCommand(['bash', '-lc', command]);
    return this.channels.with(async () => {
      // sshd frees a session slightly after the client sees its channel close, so even below
      // MaxSessions an open can be refused for a moment: wait and retry before giving up.
      for (let attempt = 0; ; attempt++) {
        const client = await this.connection();
        try {
          return await runCommand(client, command, options, this.describe);
        } catch (err) {
          if (!(err instanceof ChannelRefused) || attempt >= CHANNEL_RETRIES) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** Math.min(attempt, 5)));
        }
      }
    });
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    const mkdirResult = await this.exec(['mkdir', '-p', '--', remoteDirname(remotePath)]);
    if (mkdirResult.exitCode !== 0) {
      throw new BackendError(`cannot create ${remoteDirname(remotePath)} on ${this.describe}: ${mkdirResult.stderr.trim()} — fix: check the site's workDir and its permissions`);
    }
    const sftp = await this.sftp();
    const tmp = `${remotePath}.tmp-${process.pid}`;
    await sftpCall(`upload ${localPath} to ${this.describe}:${remotePath}`, (cb) => sftp.fastPut(localPath, tmp, cb));
    // POSIX rename (OpenSSH extension): replaces an existing file, unlike plain SFTP rename.
    await sftpCall(`rename ${tmp} on ${this.describe}`, (cb) => sftp.ext_openssh_rename(tmp, remotePath, cb));
  }

  async download(remotePath: string, localPath: string): Promise<void> {
    const sftp = await this.sftp();
    await mkdir(dirname(localPath), { recursive: true });
    const tmp = `${localPath}.tmp-${process.pid}`;
    try {
      await sftpCall(`download ${this.describe}:${remotePath}`, (cb) => sftp.fastGet(remotePath, tmp, cb));
      await rename(tmp, localPath);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.sftpSession = undefined;
    client?.end();
  }

  /** SFTP runs on one channel for the life of the connection, the one commands leave free. */
  private async sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const session = this.connection().then(
        (client) =>
          new Promise<SFTPWrapper>((resolve, reject) =>
            client.sftp((err, sftp) => (err ? reject(channelError(err, this.describe)) : resolve(sftp))),
          ),
      );
      this.sftpSession = session;
      session.then(
        (sftp) => sftp.on('close', () => {
          if (this.sftpSession === session) this.sftpSession = undefined;
        }),
        () => {
          if (this.sftpSession === session) this.sftpSession = undefined;
        },
      );
    }
    return this.sftpSession;
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    this.connecting ??= this.connect().then(
      (client) => {
        this.client = client;
        client.on('close', () => {
          if (this.client === client) {
            this.client = undefined;
            this.connecting = undefined;
            this.sftpSession = undefined;
          }
        });
        return client;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const { host, port, user, knownHostsFile } = this.options;
    const knownHosts = await readKnownHosts(knownHostsFile);
    const config: ConnectConfig = { host, port, username: user, readyTimeout: this.options.readyTimeoutMs ?? 20000 };
    if (this.options.identityFile !== undefined) {
      try {
        config.privateKey = await readFile(this.options.identityFile);
      } catch (err) {
        throw new InputError(`cannot read SSH key ${this.options.identityFile}: ${(err as Error).message} — fix: set identityFile in the site profile to a readable private key`);
      }
      if (this.options.passphrase !== undefined) config.passphrase = this.options.passphrase;
    } else if (process.env.SSH_AUTH_SOCK) {
      config.agent = process.env.SSH_AUTH_SOCK;
    } else {
      throw new InputError(`no SSH key for ${this.describe} — fix: set identityFile in the site profile or start ssh-agent and add your key (ssh-add)`);
    }
    let verdict: HostKeyVerdict = 'unknown';
    let presented: { type: string; blob: Buffer } | undefined;
    config.hostVerifier = (key: Buffer) => {
      presented = { type: keyTypeOfBlob(key), blob: key };
      verdict = verifyHostKey(knownHosts, host, port, presented.type, key);
      return verdict === 'trusted' || (verdict === 'unknown' && this.options.acceptNewHostKey === true);
    };
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err: Error & { level?: string; code?: string }) =>
        reject(connectError(err, this.describe, knownHostsFile, verdict, presented?.blob, this.options.identityFile)),
      );
      try {
        client.connect(config);
      } catch (err) {
        // ssh2 throws synchronously for keys it cannot parse (PKCS#8 ed25519, missing passphrase).
        reject(new InputError(`cannot use SSH key ${this.options.identityFile ?? '(agent)'}: ${(err as Error).message} — fix: use an OpenSSH-format key (ssh-keygen -t ed25519) and, if it is encrypted, load it into ssh-agent`));
      }
    });
    client.on('error', () => undefined); // later errors surface on the channel that hits them
    if (verdict === 'unknown' && presented) {
      await appendKnownHost(knownHostsFile, host, port, presented.type, presented.blob);
    }
    return client;
  }
}

function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function connectError(
  err: Error & { level?: string; code?: string },
  where: string,
  knownHostsFile: string,
  verdict: HostKeyVerdict,
  hostKey: Buffer | undefined,
  identityFile: string | undefined,
): Error {
  const hostPort = where.slice(where.indexOf('@') + 1);
  if (err.level === 'handshake' && hostKey) {
    const fp = fingerprint(hostKey);
    if (verdict === 'changed') {
      return new BackendError(`the host key of ${hostPort} (${fp}) differs from the one in ${knownHostsFile}: someone may be intercepting the connection — fix: ask the site's admins for the real fingerprint; only if it matches, remove the old line (ssh-keygen -R '[host]:port' -f ${knownHostsFile}) and connect again`);
    }
    if (verdict === 'revoked') {
      return new BackendError(`the host key of ${hostPort} (${fp}) is marked @revoked in ${knownHostsFile} — fix: ask the site's admins; do not connect`);
    }
    return new BackendError(`the host key of ${hostPort} (${fp}) is not in ${knownHostsFile} — fix: compare the fingerprint with the one your site publishes, then pass --accept-host-key once (or add it with ssh-keyscan)`);
  }
  if (err.level === 'client-authentication') {
    return new BackendError(`${where} refused key authentication — fix: check that ${identityFile ? `the public key of ${identityFile}` : 'a key in your ssh-agent'} is in ~/.ssh/authorized_keys there and that the user name is right`);
  }
  if (err.level === 'client-timeout' || /Timed out while waiting for handshake/.test(err.message)) {
    return new BackendError(`no SSH handshake from ${hostPort} in time — fix: check host and port in the site profile, VPN or firewall`);
  }
  if (err.level === 'client-socket' || err.code) {
    return new BackendError(`cannot reach ${hostPort} (${err.code ?? err.message}) — fix: check host and port in the site profile, that the host is up and that you are on its network (VPN)`);
  }
  return new BackendError(`SSH connection to ${where} failed: ${err.message} — fix: try \`ssh -p ${hostPort.split(':').pop()} ${where.split(':')[0]}\` to see the problem`);
}

const CHANNEL_RETRIES = 12;

/** The server refused to open a channel (too many sessions on this connection). */
class ChannelRefused extends BackendError {}

function channelError(err: Error, where: string): BackendError {
  if (/Channel open failure/i.test(err.message)) {
    return new ChannelRefused(`${where} refused another SSH channel (${err.message}) — fix: lower maxChannels in the site profile below the server's MaxSessions`);
  }
  return new BackendError(`SSH channel to ${where} failed: ${err.message} — fix: check the connection and retry`);
}

function runCommand(client: Client, command: string, options: ExecOptions, where: string): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(channelError(err, where));
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          stream.close();
          reject(new BackendError(`\`${command.slice(0, 80)}\` on ${where} did not finish within ${options.timeoutMs} ms — fix: check that the login node and the scheduler respond`));
        }, options.timeoutMs);
      }
      stream.on('data', (chunk: Buffer) => stdout.push(chunk));
      stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      stream.on('exit', (code: number | null, signal?: string) => {
        exitCode = code ?? (signal ? 128 : 255);
      });
      stream.on('close', () => {
        if (timer) clearTimeout(timer);
        // No exit status: the connection dropped under the command, which may or may not have run.
        if (exitCode === undefined) {
          reject(new BackendError(`the connection to ${where} was lost while \`${command.slice(0, 80)}\` ran — fix: check the network; hpcinv retries where it is safe`));
          return;
        }
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode });
      });
      stream.end(options.stdin ?? '');
    });
  });
}

function sftpCall(what: string, call: (cb: (err: Error | null | undefined) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    call((err) => (err ? reject(new BackendError(`SFTP: cannot ${what}: ${err.message} — fix: check the path and free space on the remote side`)) : resolve())),
  );
}

function remoteDirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}
