import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge, listSites, loadSite } from '../../src/sites/load.js';
import { InputError } from '../../src/errors.js';

describe('site profiles', () => {
  let dir: string;
  const saved = process.env.HPCINV_CONFIG_DIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-sites-'));
    process.env.HPCINV_CONFIG_DIR = join(dir, 'config');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.HPCINV_CONFIG_DIR;
    else process.env.HPCINV_CONFIG_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('every built-in profile is valid', () => {
    for (const name of ['test-cluster', 'test-cluster-ssh', 'example-apptainer']) {
      expect(listSites()).toContain(name);
      expect(() => loadSite(name)).not.toThrow();
    }
    const t = loadSite('test-cluster').profile;
    expect(t.transport).toEqual({ kind: 'local' });
    expect(t.slurm).toMatchObject({ partition: 'debug', maxArraySize: 1001, requeue: true, chunksPerElement: 1 });
    const ex = loadSite('example-apptainer').profile;
    expect(ex.transport).toMatchObject({ kind: 'ssh', port: 22, knownHostsFile: join(homedir(), '.ssh/known_hosts') });
    expect(ex.container).toMatchObject({ runtime: 'apptainer', image: '/p/project/proj42/images/hpcinv.sif' });
  });

  test("the user's file overrides field by field; inline overrides come last", () => {
    mkdirSync(join(dir, 'config', 'sites'), { recursive: true });
    writeFileSync(join(dir, 'config', 'sites', 'test-cluster.yaml'), 'slurm:\n  account: mine\n  modules: [a, b]\n');
    const s = loadSite('test-cluster', { slurm: { time: '01:00:00', modules: ['c'] } });
    expect(s.sources).toHaveLength(2);
    expect(s.profile.slurm).toMatchObject({ account: 'mine', partition: 'debug', time: '01:00:00', modules: ['c'] });
    rmSync(join(dir, 'config', 'sites', 'test-cluster.yaml'));
  });

  test('a profile can be a path; a user-only site is found by name', () => {
    const file = join(dir, 'mysite.yaml');
    writeFileSync(file, 'transport: { kind: ssh, host: login.example.org, user: me }\n');
    expect(loadSite(file).profile.transport).toMatchObject({ host: 'login.example.org', maxChannels: 8, loginShell: true });
    mkdirSync(join(dir, 'config', 'sites'), { recursive: true });
    writeFileSync(join(dir, 'config', 'sites', 'only-mine.yaml'), 'slurm: { partition: gpu }\n');
    expect(loadSite('only-mine').profile.slurm.partition).toBe('gpu');
  });

  test('values that could inject directives or commands are refused, naming the field and the fix', () => {
    const bad = (o: Record<string, unknown>): string => {
      try {
        loadSite('test-cluster', o);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(bad({ slurm: { partition: 'debug --account=other' } })).toMatch(/slurm\.partition: slurm\.partition may only contain .* — fix: e\.g\. slurm\.partition: batch/);
    expect(bad({ slurm: { account: 'x;rm -rf ~' } })).toMatch(/slurm\.account/);
    expect(bad({ slurm: { extraDirectives: ['--gres=gpu:1\n#SBATCH --account=x'] } })).toMatch(/extraDirectives/);
    expect(bad({ slurm: { modules: ['$(evil)'] } })).toMatch(/modules/);
    expect(bad({ slurm: { maxArraySize: 0 } })).toMatch(/maxArraySize must be at least 2/);
    expect(bad({ container: { runtime: 'apptainer' } })).toMatch(/container\.image: .*needs container\.image — fix:/);
    expect(bad({ transport: { kind: 'telnet' } })).toMatch(/transport\.kind must be local .* or ssh/);
    expect(bad({ slurm: { partion: 'x' } })).toMatch(/partion/);
  });

  test('unknown sites and broken YAML give clear errors', () => {
    expect(() => loadSite('nosuch')).toThrow(/unknown site "nosuch" — fix: use one of .*test-cluster/);
    expect(() => loadSite('../etc/passwd')).toThrow(/does not exist/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'slurm: [unclosed\n');
    expect(() => loadSite(file)).toThrow(/cannot read site profile .*broken\.yaml.*fix: correct the YAML/);
  });

  test('deepMerge merges mappings and replaces lists and scalars', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 2 });
  });
});
