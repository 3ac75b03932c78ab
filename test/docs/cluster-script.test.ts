/**
 * docs/slurm.md documents `cluster.sh stop` and `cluster.sh reset`, which scripts/check-docs.sh does not
 * run: on this machine they would stop or wipe the SLURM cluster other jobs' tests are using. This test
 * checks what those two commands are documented to do without touching the running cluster: they are
 * dispatched, stop stops every daemon that start starts by its PID file (TERM, a real process here),
 * and reset stops, wipes the controller's and node's job state and drops the accounting database.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'test-cluster', 'cluster.sh');
const text = readFileSync(script, 'utf8');

/** The body of the shell function `name` (from `name() {` to the first line that is just `}`). */
function body(name: string): string {
  const m = new RegExp(`^${name}\\(\\) \\{[^\\n]*\\n([\\s\\S]*?)^\\}`, 'm').exec(text);
  if (!m) throw new Error(`no function ${name} in cluster.sh`);
  return m[1];
}

describe('cluster.sh stop and reset (documented in docs/slurm.md, not run by check-docs)', () => {
  it('is valid bash and dispatches stop and reset', () => {
    execFileSync('bash', ['-n', script]);
    expect(text).toMatch(/^\s+stop\) cmd_stop ;;$/m);
    expect(text).toMatch(/^\s+reset\) cmd_reset ;;$/m);
  });

  it('stop stops every daemon that the configuration runs, by its PID file', () => {
    const daemons = [...body('daemons').matchAll(/(\w+):(\/\S+\.pid)/g)].map((m) => `stop_pidfile ${m[1]} ${m[2]}`);
    expect(daemons.length).toBeGreaterThanOrEqual(5);
    for (const d of daemons) expect(body('cmd_stop')).toContain(d);
    expect(body('cmd_stop')).toMatch(/stop_pidfile sshd /);
  });

  it('reset stops the daemons, wipes the job state and drops the accounting database', () => {
    const reset = body('cmd_reset');
    expect(reset).toMatch(/^\s*cmd_stop$/m);
    expect(reset).toContain('/var/lib/slurm/slurmctld /var/lib/slurm/slurmd -mindepth 1 -delete');
    expect(reset).toContain('DROP DATABASE IF EXISTS slurm_acct_db');
  });

  it('stop_pidfile ends a real process with TERM and removes its PID file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-stop-'));
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    try {
      const pidfile = join(dir, 'daemon.pid');
      writeFileSync(pidfile, `${child.pid}\n`);
      const functions = ['log', 'pid_of', 'alive', 'pid_alive', 'stop_pidfile']
        .map((f) => new RegExp(`^${f}\\(\\) \\{[^\\n]*\\}$|^${f}\\(\\) \\{\\n[\\s\\S]*?^\\}`, 'm').exec(text)![0]).join('\n');
      execFileSync('bash', ['-c', `${functions}\nstop_pidfile sleeper "$1"`, 'stop', pidfile], { stdio: 'pipe' });
      expect(await exited).toBe('SIGTERM');
      expect(existsSync(pidfile)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
