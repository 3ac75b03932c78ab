/**
 * Whether the project's single-node test cluster (scripts/test-cluster/cluster.sh start) is up, and how
 * to reach its sshd. Without it the integration tests skip loudly — except under CI=true, where a
 * missing cluster fails them.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';

export const sshEnv = {
  host: process.env.HPCINV_TEST_SSH_HOST ?? '127.0.0.1',
  port: Number(process.env.HPCINV_TEST_SSH_PORT ?? 2222),
  user: process.env.HPCINV_TEST_SSH_USER ?? 'hpctest',
  identityFile: process.env.HPCINV_TEST_SSH_KEY ?? '/var/lib/hpc-test-ssh/client_ed25519',
  knownHostsFile: process.env.HPCINV_TEST_SSH_KNOWN_HOSTS ?? '/var/lib/hpc-test-ssh/known_hosts',
};

const START_HINT = 'start it with `sudo scripts/test-cluster/cluster.sh start`';

function slurmUp(): boolean {
  try {
    const out = execFileSync('sinfo', ['-h', '-N', '-o', '%T'], { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /idle|mix|alloc|completing/.test(out);
  } catch {
    return false;
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

function gate(what: string, up: boolean): jest.Describe {
  if (up) return describe;
  if (process.env.CI) {
    // Under CI the cluster is part of the test environment: its absence is a failure, not a skip.
    return ((name: string) => describe(name, () => test(`${what} is running`, () => {
      throw new Error(`${what} is not running under CI — fix: .ci/run must ${START_HINT}`);
    }))) as unknown as jest.Describe;
  }
  console.warn(`\n*** SKIPPING ${what} integration tests: ${what} is not running — ${START_HINT} ***\n`);
  return describe.skip;
}

export const withSlurm: jest.Describe = gate('the SLURM test cluster', slurmUp());
export const withSshd: jest.Describe = gate(
  'the test sshd',
  existsSync(sshEnv.identityFile) && (await portOpen(sshEnv.host, sshEnv.port)),
);
export const withSlurmAndSshd: jest.Describe =
  withSlurm === describe ? withSshd : withSlurm;
