import { readFileSync } from 'node:fs';

/**
 * A live process on this host that is a Node process. Pids are reused: a pid that now belongs to a
 * stranger (a shell, a daemon) does not keep an hpcinv lock or temp file alive.
 */
export function nodeProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // No such process, or another user's (EPERM): not one of our hpcinv processes.
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}
