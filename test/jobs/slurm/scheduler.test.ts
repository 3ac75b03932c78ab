/**
 * The SLURM commands against the real test cluster: sbatch retried only after a check by job name,
 * sbatch --test-only, one batched squeue (+ sacct) per poll, scancel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../src/errors.js';
import { SlurmScheduler } from '../../../src/jobs/slurm/scheduler.js';
import { stateOfTask } from '../../../src/jobs/slurm/states.js';
import { LocalTransport } from '../../../src/jobs/transport/local.js';
import type { ExecOptions, ExecResult, Transport } from '../../../src/jobs/transport/transport.js';
import { withSlurm } from './test-cluster.js';

/**
 * Fault injection around the real local transport (the only stand-in in these tests: a dropped
 * connection cannot be produced on demand otherwise). `after`: sbatch really runs, then the caller sees
 * the connection drop; `before`: the call is lost before it reaches the controller.
 */
class DroppingTransport implements Transport {
  readonly kind = 'local' as const;
  readonly describe = 'dropping';
  private readonly real = new LocalTransport();
  constructor(private drops: number, private readonly when: 'before' | 'after') {}
  async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    if (argv[0] === 'sbatch' && this.drops > 0) {
      this.drops--;
      if (this.when === 'after') await this.real.exec(argv, options);
      throw new BackendError('connection lost (injected)');
    }
    return this.real.exec(argv, options);
  }
  upload = this.real.upload.bind(this.real);
  download = this.real.download.bind(this.real);
  close = this.real.close.bind(this.real);
}

function script(name: string, body: string, array = '0-1'): string {
  return `#!/bin/bash\n#SBATCH --job-name=${name}\n#SBATCH --array=${array}\n#SBATCH --output=/dev/null\n#SBATCH --time=00:02:00\n${body}\n`;
}

const jobsNamed = (name: string): string[] =>
  execFileSync('squeue', ['-h', '--states=all', `--name=${name}`, '-o', '%F'], { encoding: 'utf8' }).split('\n').filter(Boolean);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

withSlurm('SlurmScheduler on the test cluster', () => {
  let cwd: string;
  const unique = (tag: string): string => `hpcinv-test.${tag}.${process.pid}.${Date.now().toString(36)}`;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'hpcinv-sched-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  test('a connection lost after sbatch reached the controller: found by name, not submitted twice', async () => {
    const name = unique('after');
    const s = new SlurmScheduler(new DroppingTransport(1, 'after'), { accounting: 'auto', submitsPerMinute: 600, retryDelayMs: 100 });
    const id = await s.submit(script(name, 'true'), cwd, name);
    expect(new Set(jobsNamed(name))).toEqual(new Set([id])); // one array job
    expect(s.calls.sbatch).toBe(1);
  });

  test('a call lost before reaching the controller: nothing found by name, submitted once more', async () => {
    const name = unique('before');
    const s = new SlurmScheduler(new DroppingTransport(2, 'before'), { accounting: 'auto', submitsPerMinute: 600, retryDelayMs: 100 });
    const id = await s.submit(script(name, 'true'), cwd, name);
    expect(new Set(jobsNamed(name))).toEqual(new Set([id]));
    expect(s.calls.sbatch).toBe(3);
  });

  test('a refused script is not retried and the error carries sbatch\'s reason and a fix', async () => {
    const s = new SlurmScheduler(new LocalTransport(), { accounting: 'auto', submitsPerMinute: 600 });
    const bad = script(unique('bad'), 'true').replace('#SBATCH --time', '#SBATCH --partition=nosuch\n#SBATCH --time');
    await expect(s.submit(bad, cwd, 'x')).rejects.toThrow(/invalid partition specified.*fix:/);
    expect(s.calls.sbatch).toBe(1);
  });

  test('sbatch calls keep to the site\'s submit rate', async () => {
    const s = new SlurmScheduler(new LocalTransport(), { accounting: 'auto', submitsPerMinute: 120 });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      const name = unique(`rate${i}`);
      await s.submit(script(name, 'true', '0'), cwd, name);
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // 3 calls at 120/min: two gaps of 0.5 s
  });

  test('sbatch --test-only judges a script without submitting it', async () => {
    const s = new SlurmScheduler(new LocalTransport(), { accounting: 'auto', submitsPerMinute: 600 });
    const name = unique('testonly');
    const ok = await s.testOnly(script(name, 'true'), cwd);
    expect(ok.ok).toBe(true);
    expect(ok.message).toMatch(/to start at/);
    expect(jobsNamed(name)).toEqual([]);
    const bad = await s.testOnly(script(name, 'true', '0-5000'), cwd);
    expect(bad).toEqual({ ok: false, message: expect.stringMatching(/Invalid job array specification/) });
  });

  test('one squeue answers for every element; finished elements come from sacct; unknown ids are not errors', async () => {
    const s = new SlurmScheduler(new LocalTransport(), { accounting: 'auto', submitsPerMinute: 600 });
    const name = unique('states');
    const id = await s.submit(script(name, 'exit $SLURM_ARRAY_TASK_ID', '0-2'), cwd, name);
    const finished = await until('elements to finish', async () => {
      const st = await s.states([id]);
      return [0, 1, 2].every((i) => ['completed', 'failed'].includes(st.get(`${id}_${i}`) ?? '')) ? st : undefined;
    });
    expect([finished.get(`${id}_0`), finished.get(`${id}_1`), finished.get(`${id}_2`)]).toEqual(['completed', 'failed', 'failed']);
    const acct = await until('accounting records', async () => {
      const a = await s.accountingStates([id]);
      return a.size === 3 ? a : undefined;
    });
    expect(Object.fromEntries(acct)).toEqual({ [`${id}_0`]: 'completed', [`${id}_1`]: 'failed', [`${id}_2`]: 'failed' });
    // Ids the controller never knew: an empty answer, not an error.
    expect((await s.states(['999999'])).size).toBe(0);
    const before = { ...s.calls };
    await s.states([id, '999999']);
    expect(s.calls.squeue - before.squeue).toBe(1);
  });

  test('scancel cancels single elements, and a whole array cancelled while pending reads as cancelled', async () => {
    const s = new SlurmScheduler(new LocalTransport(), { accounting: 'auto', submitsPerMinute: 600 });
    const name = unique('cancel');
    const id = await s.submit(script(name, 'sleep 300', '0-1'), cwd, name);
    await s.cancel([`${id}_0`, `${id}_1`]);
    await until('cancellation', async () => {
      const m = await s.states([id]);
      return [0, 1].every((i) => stateOfTask(m, `${id}_${i}`) === 'cancelled') ? m : undefined;
    });
  });
});
