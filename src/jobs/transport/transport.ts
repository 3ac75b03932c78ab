/**
 * How hpcinv runs scheduler commands and moves files: on this machine (a login node) or on a remote
 * login node over SSH. Backends (SLURM) only see this interface, so the same code submits locally and
 * from a laptop.
 */

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The program's exit code; 127 when the program does not exist (as a shell reports it). */
  exitCode: number;
}

export interface ExecOptions {
  /** Bytes fed to the program's standard input (e.g. a job script for `sbatch`). */
  stdin?: string | Buffer;
  /** Working directory on the side where the command runs. */
  cwd?: string;
  /** Give up (and kill the command where possible) after this long. */
  timeoutMs?: number;
}

export interface Transport {
  readonly kind: 'local' | 'ssh';
  /** For messages: `local` or `user@host:port`. Never contains secrets. */
  readonly describe: string;
  /**
   * Run a program given as an argument vector (never a shell string). Resolves with the exit code
   * whatever it is; rejects with a BackendError only when the program could not be run at all
   * (connection lost, host unreachable, timeout).
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copy a local file to `remotePath` atomically (temporary name, then rename). */
  upload(localPath: string, remotePath: string): Promise<void>;
  /** Copy `remotePath` to a local file atomically. */
  download(remotePath: string, localPath: string): Promise<void>;
  /** Release the connection; further calls reconnect. */
  close(): Promise<void>;
}
