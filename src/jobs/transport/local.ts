import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { BackendError } from '../../errors.js';
import type { ExecOptions, ExecResult, Transport } from './transport.js';

/** Runs scheduler commands on this machine (hpcinv used on a login node). */
export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly describe = 'local';

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [file, ...args] = argv;
    if (file === undefined) throw new BackendError('empty command — fix: this is a bug in hpcinv, please report it');
    const result = await execa(file, args, {
      reject: false,
      input: options.stdin,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      stripFinalNewline: false,
      // Scheduler commands print in the user's locale otherwise; parsing needs stable output.
      env: { LC_ALL: 'C' },
    });
    if (result.timedOut) {
      throw new BackendError(`\`${file}\` did not finish within ${options.timeoutMs} ms — fix: check that the scheduler responds (e.g. \`sinfo\`) and try again`);
    }
    if (result.exitCode === undefined) {
      const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ENOENT') {
        return { stdout: '', stderr: `${file}: command not found`, exitCode: 127 };
      }
      if (options.cwd !== undefined && code === 'ENOTDIR') {
        throw new BackendError(`cannot run \`${file}\` in ${options.cwd}: not a directory — fix: check the run directory`);
      }
      throw new BackendError(`cannot run \`${file}\`: ${result.shortMessage} — fix: check that it is installed and executable`);
    }
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    await copyAtomically(localPath, remotePath);
  }

  async download(remotePath: string, localPath: string): Promise<void> {
    await copyAtomically(remotePath, localPath);
  }

  async close(): Promise<void> {}
}

async function copyAtomically(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  try {
    await copyFile(from, tmp);
    await rename(tmp, to);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
