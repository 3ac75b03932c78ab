import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseFaultSpec } from './faults.js';
import { startUnicoreServer, type RunningUnicoreServer } from './server.js';

export interface StandaloneOptions {
  port?: number;
  stateDir?: string;
  siteName?: string;
  queueDelayMs?: number;
  maxRunning?: number;
  failNextJobs?: number;
  faults?: string[];
  sessionLifetimeMs?: number;
}

export interface StandaloneInfo {
  url: string;
  caPath: string;
  /** chmod-600 file with the demo account's user, password and token (for HPCINV_UNICORE_CREDENTIALS). */
  credentialsFile: string;
  stateDir: string;
  pid: number;
}

/**
 * The test server as a long-running process (`hpcinv unicore-server`, CI): starts it and writes the demo
 * account's credentials to a private file, so they never appear on a command line or in output.
 */
export async function startStandalone(o: StandaloneOptions): Promise<{ server: RunningUnicoreServer; info: StandaloneInfo }> {
  const faults = (o.faults ?? []).map((f) => {
    try {
      return parseFaultSpec(f);
    } catch (err) {
      throw new InputError((err as Error).message);
    }
  });
  const knobs = {
    ...(o.queueDelayMs !== undefined ? { queueDelayMs: o.queueDelayMs } : {}),
    ...(o.maxRunning !== undefined ? { maxRunning: o.maxRunning } : {}),
    ...(o.failNextJobs !== undefined ? { failNextJobs: o.failNextJobs } : {}),
    faults,
  };
  const server = await startUnicoreServer({
    port: o.port, stateDir: o.stateDir, siteName: o.siteName, knobs, sessionLifetimeMs: o.sessionLifetimeMs,
  });
  const a = server.accounts[0];
  const credentialsFile = join(server.stateDir, 'credentials.yaml');
  const tmp = `${credentialsFile}.tmp-${process.pid}`;
  await writeFile(tmp, `user: ${JSON.stringify(a.user)}\npassword: ${JSON.stringify(a.password)}\n`, { mode: 0o600 });
  await rename(tmp, credentialsFile);
  return { server, info: { url: server.url, caPath: server.caPath, credentialsFile, stateDir: server.stateDir, pid: process.pid } };
}
