import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunDir } from './run-dir.js';
import { nodeProcessAlive } from './process-alive.js';
import { HpcinvError } from '../errors.js';

/**
 * One orchestrator per run: two `hpcinv submit`s on the same run would submit every chunk twice.
 * The lock file holds host and pid; a lock whose process is gone (same host, pid not alive or not an
 * hpcinv process) is stale and taken over, so a killed orchestrator never blocks the resume.
 */
export function acquireRunLock(run: RunDir): () => void {
  const path = join(run.root, 'orchestrator.lock');
  const me = JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() });
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === me) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { host?: string; pid?: number } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      /* empty or torn lock: its writer died while writing it */
    }
    if (holder.host === hostname() && holder.pid !== undefined && !nodeProcessAlive(holder.pid)) {
      unlinkSync(path);
      continue;
    }
    if (holder.host === undefined) {
      unlinkSync(path);
      continue;
    }
    throw new HpcinvError(
      `another orchestrator (pid ${holder.pid} on ${holder.host}) is running ${run.root} — fix: wait for it, stop it with \`hpcinv cancel ${run.root}\`, or if it is gone (e.g. its machine died) delete ${path}`,
      1,
    );
  }
  throw new HpcinvError(`could not take ${path} — fix: delete it if no hpcinv submit is running on this run`, 1);
}
