/**
 * SlurmBackend hooks on the real test cluster, with failures injected around the real local transport
 * (the only stand-in here: a controller outage or a refused second sbatch cannot be produced on demand
 * without disturbing the shared cluster).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BackendError } from '../../../src/errors.js';
import { loadSite } from '../../../src/sites/load.js';
import { SlurmBackend } from '../../../src/jobs/slurm/slurm-backend.js';
import { LocalTransport } from '../../../src/jobs/transport/local.js';
import type { ExecOptions, ExecResult, Transport } from '../../../src/jobs/transport/transport.js';
import { tempDir } from '../sweep-helpers.js';
import { withSlurm } from './test-cluster.js';

class FaultyTransport implements Transport {
  readonly kind = 'local' as const;
  readonly describe = 'faulty';
  private readonly real = new LocalTransport();
  sbatchCalls = 0;
  squeueDown = false;
  failSbatchNumber = 0;
  async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    if (argv[0] === 'squeue' && this.squeueDown) return { stdout: '', stderr: 'squeue: error: Unable to contact slurm controller (connect failure)\n', exitCode: 1 };
    if (argv[0] === 'sbatch' && ++this.sbatchCalls === this.failSbatchNumber) {
      return { stdout: '', stderr: 'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n', exitCode: 1 };
    }
    return this.real.exec(argv, options);
  }
  upload = this.real.upload.bind(this.real);
  download = this.real.download.bind(this.real);
  close = this.real.close.bind(this.real);
}

function backend(transport: Transport, maxArraySize: number): SlurmBackend {
  const site = loadSite('test-cluster', { slurm: { maxArraySize } });
  return new SlurmBackend({ site, transport, hpcinvCommand: async () => ['bash', '-c', 'sleep 120', 'hpcinv'] });
}

withSlurm('SlurmBackend hooks', () => {
  test('a controller that does not answer makes elements unknown, never failed', async () => {
    const t = new FaultyTransport();
    const b = backend(t, 1001);
    const run = tempDir('slurm-backend');
    await b.stageIn(run);
    const tasks = await b.submit(run, [{ chunk: 0, attempt: 1 }, { chunk: 1, attempt: 1 }]);
    expect(tasks.map((x) => x.attempts)).toEqual([[{ chunk: 0, attempt: 1 }], [{ chunk: 1, attempt: 1 }]]);
    const ids = tasks.map((x) => x.jobId);
    t.squeueDown = true;
    expect([...(await b.poll(run, ids)).values()]).toEqual(['unknown', 'unknown']);
    t.squeueDown = false;
    const states = [...(await b.poll(run, ids)).values()];
    expect(states.every((s) => s === 'pending' || s === 'running')).toBe(true);
    await b.cancel(run, ids);
    await b.close();
  });

  test('when a later array of a split submission is refused, the arrays already accepted are cancelled', async () => {
    const t = new FaultyTransport();
    t.failSbatchNumber = 3;
    const b = backend(t, 2);
    const run = tempDir('slurm-backend-split');
    await b.stageIn(run);
    const attempts = Array.from({ length: 5 }, (_, i) => ({ chunk: i, attempt: 1 }));
    const err = await b.submit(run, attempts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/Invalid account.*fix:/);
    const names = execFileSync('ls', [join(run, 'backend', 'slurm')], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.sh')).map((f) => f.slice(0, -3));
    const query = () => names.flatMap((n) => execFileSync('squeue', ['-h', '--states=all', `--name=${n}`, '-o', '%T'], { encoding: 'utf8' }).split('\n').filter(Boolean));
    // An element that had started is COMPLETING for a moment after scancel before it shows CANCELLED.
    let states = query();
    for (let waited = 0; states.includes('COMPLETING') && waited < 30_000; waited += 500) {
      await new Promise((r) => setTimeout(r, 500));
      states = query();
    }
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['CANCELLED']));
    await b.close();
  });
});
