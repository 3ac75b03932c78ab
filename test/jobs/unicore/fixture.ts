import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRun } from '../../../src/experiment/create-run.js';
import type { RunningUnicoreServer } from '../../../src/unicore-server/server.js';
import { ENV_PASSWORD, ENV_USER } from '../../../src/jobs/unicore/credentials.js';

/** The built CLI the jobs run (the test build makes dist/, as `npm test` does). */
export const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');

/** A small sweep (68 regions, short runs): `count` simulations in chunks of `chunkSize`. */
export function makeRun(server: RunningUnicoreServer, opts: { count: number; chunkSize: number; backend?: Record<string, unknown> }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-sweep-'));
  const experiment = {
    // a connectome file (not the bundled one), so the run's inputs/ must travel to the jobs too
    connectome: { source: join(process.cwd(), 'data', 'connectivity', 'connectivity_68.zip'), zeroDiagonal: true, normalise: 'max', speed: 3.0 },
    model: { eta: -4.6, J: 14.5, Delta: 0.7, tau: 1.0 },
    coupling: { a: 1.0 },
    integrator: { dt: 0.01, nsig: [0.035, 0.07], rng: 'fast' },
    initial: { kind: 'random' },
    duration: 400,
    timeUnitMs: 10,
    monitors: { transient: 0, tavg: { period: 0.1 }, balloon: { trMs: 2000 } },
    parameters: [{ path: 'coupling.a', prior: { kind: 'uniform', low: 0.1, high: 1.2 } }],
    features: { compute: ['fc_sum'] },
    simulations: { design: 'prior', count: opts.count, seed: 42 },
    sweep: { chunkSize: opts.chunkSize, batchSize: 2, maxAttempts: 3 },
    backend: {
      name: 'unicore',
      url: server.url,
      caBundle: server.caPath,
      launcher: { command: [process.execPath, CLI] },
      pollMaxSeconds: 0.5,
      lostGraceSeconds: 30,
      ...opts.backend,
    },
  };
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, stringify(experiment));
  createRun(file, join(dir, 'run'));
  return join(dir, 'run');
}

/** Credentials for the backend through the environment, as a user would export them. */
export function credentialEnv(server: RunningUnicoreServer): Record<string, string> {
  return { [ENV_USER]: server.accounts[0].user, [ENV_PASSWORD]: server.accounts[0].password };
}

export function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** Job creations the server saw (201), including those whose answer a `drop-after` fault swallowed. */
export function jobsCreated(server: RunningUnicoreServer): number {
  return server.requests.filter((r) => r.method === 'POST' && r.path === '/jobs' && r.status === 201).length;
}
