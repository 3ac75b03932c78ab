/**
 * Without a container, a sweep over SSH needs hpcinv on the cluster: the `hpcinv bundle` tarball is
 * uploaded once per version and unpacked under <workDir>/bundles/<sha256>/. Real sshd, real bundle
 * (built once per code change and cached in ~/.cache/hpcinv/bundles: the first run takes a minute).
 */
import { stageBundle } from '../../../src/jobs/slurm/bundle-stage.js';
import { SshTransport } from '../../../src/jobs/transport/ssh.js';
import { version } from '../../../src/version.js';
import { requireBuild } from '../sweep-helpers.js';
import { sshEnv, withSshd } from './test-cluster.js';

beforeAll(requireBuild);

withSshd('staging the hpcinv bundle over SSH', () => {
  const workDir = `~/hpcinv-bundle-test-${process.pid}`;
  const t = new SshTransport({ ...sshEnv, maxChannels: 8 });
  afterAll(async () => {
    await t.exec(['rm', '-rf', `hpcinv-bundle-test-${process.pid}`]);
    await t.close();
  });

  test('the staged bundle runs on the remote side as the test user, and is uploaded only once', async () => {
    const command = await stageBundle(t, workDir);
    expect(command[0]).toBe('node');
    expect(command[1]).toMatch(new RegExp(`^/.*/hpcinv-bundle-test-${process.pid}/bundles/[0-9a-f]{64}/package/dist/cli/main\\.js$`));
    const r = await t.exec([...command, '--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(version);
    const stamp = async (): Promise<string> => (await t.exec(['stat', '-c', '%Y %i', command[1]!])).stdout;
    const before = await stamp();
    expect(await stageBundle(t, workDir)).toEqual(command);
    expect(await stamp()).toBe(before);
    // Nothing left behind but the unpacked bundle.
    const ls = await t.exec(['ls', '-A', `hpcinv-bundle-test-${process.pid}/bundles`]);
    expect(ls.stdout.trim().split('\n')).toEqual([command[1]!.split('/').at(-5)]);
  }, 300_000);
});
