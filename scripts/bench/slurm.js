#!/usr/bin/env node
// SLURM backend on the project's test cluster (scripts/test-cluster/cluster.sh start):
//  1. submit-to-gathered wall time of a sweep of 1000 tiny chunks through `hpcinv submit` with the slurm
//     backend (25 chunks per array element), against the same elements run directly as `hpcinv task`
//     processes, as many at once as there are cores, in the same process (the baseline);
//  2. scheduler calls per minute while watching 1000 queued array elements with the lifecycle's back-off
//     (target: one batched query per interval whatever the number of elements).
// Prints one JSON document. Env: BENCH_CHUNKS (1000), BENCH_CHUNKS_PER_ELEMENT (25), BENCH_WATCH_S (60).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

try {
  execFileSync('sinfo', ['-h'], { stdio: 'ignore' });
} catch {
  console.error('bench slurm: the test cluster is not running — fix: sudo scripts/test-cluster/cluster.sh start');
  process.exit(2);
}

// Tasks run for minutes: run them from a private copy of the build, so that a rebuild of dist/ in the
// working copy meanwhile cannot change the code under measurement (node_modules is shared by symlink).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const snapshot = mkdtempSync(join(tmpdir(), 'hpcinv-bench-snapshot-'));
for (const entry of ['dist', 'package.json', 'data', 'templates', 'slurm']) cpSync(join(root, entry), join(snapshot, entry), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(snapshot, 'node_modules'));
const fromSnapshot = (path) => import(join(snapshot, 'dist', path));
const { createRun } = await fromSnapshot('experiment/create-run.js');
const { submitRun } = await fromSnapshot('jobs/sweep.js');
const { gather } = await fromSnapshot('store/gather.js');
const { RunDir } = await fromSnapshot('store/run-dir.js');
const { createSlurmBackend } = await fromSnapshot('jobs/slurm/factory.js');
const { Backoff } = await fromSnapshot('jobs/watch.js');
const { ensurePlan } = await fromSnapshot('jobs/make-plan.js');
const { loadFrozenExperiment } = await fromSnapshot('experiment/load.js');
const { taskCommand } = await fromSnapshot('jobs/local/task-command.js');

const chunks = Number(process.env.BENCH_CHUNKS ?? 1000);
const perElement = Number(process.env.BENCH_CHUNKS_PER_ELEMENT ?? 25);
const watchSeconds = Number(process.env.BENCH_WATCH_S ?? 60);


const dir = mkdtempSync(join(tmpdir(), 'hpcinv-bench-slurm-'));

function experiment(backend) {
  const path = join(dir, `exp-${backend.name}.yaml`);
  writeFileSync(
    path,
    `connectome: { source: tvb:68, zeroDiagonal: true, normalise: max }
model: { eta: -4.6, J: 14.5, Delta: 0.7 }
integrator: { dt: 0.01, nsig: [0.035, 0.07] }
duration: 2
monitors:
  tavg: { period: 1 }
parameters:
  - path: coupling.a
    prior: { kind: uniform, low: 0.1, high: 1.2 }
features:
  source: { monitor: tavg, variable: r }
  compute: [region_mean]
simulations: { count: ${chunks}, seed: 5 }
sweep: { batchSize: 1, maxAttempts: 2, chunkSize: 1 }
backend: ${JSON.stringify(backend)}
`,
  );
  return path;
}

async function slurmSweep() {
  const backend = { name: 'slurm', site: 'test-cluster', profile: { slurm: { chunksPerElement: perElement, maxConcurrent: slots } } };
  const run = new RunDir(join(dir, 'run-slurm'));
  createRun(experiment(backend), run.root);
  const t0 = performance.now();
  const r = await submitRun(run.root, { quiet: true });
  const g = gather(run);
  const wall = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0 || g.rows !== chunks) throw new Error(`slurm sweep incomplete: ${r.summary}`);
  return { wallSeconds: wall, taskComputeSeconds: taskCompute(run), rows: g.rows };
}

/** The same elements as plain `hpcinv task` processes, `slots` at a time: what the work costs without SLURM. */
async function directRun() {
  const run = new RunDir(join(dir, 'run-direct'));
  createRun(experiment({ name: 'local' }), run.root);
  await ensurePlan(run, loadFrozenExperiment(run), { workers: slots });
  const elements = [];
  for (let c = 0; c < chunks; c += perElement) {
    elements.push(Array.from({ length: Math.min(perElement, chunks - c) }, (_, i) => ['--chunk', String(c + i)]).flat());
  }
  const [node, main] = taskCommand();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      while (next < elements.length) {
        const args = elements[next++];
        await execa(node, [main, 'task', run.root, ...args, '--attempt', '1']);
      }
    }),
  );
  const g = gather(run);
  return { wallSeconds: (performance.now() - t0) / 1000, taskComputeSeconds: taskCompute(run), rows: g.rows };
}

function efficiency(r) {
  return { coreEfficiency: r.taskComputeSeconds / (slots * r.wallSeconds), overheadSeconds: r.wallSeconds - r.taskComputeSeconds / slots };
}

function taskCompute(run) {
  let compute = 0;
  for (const f of readdirSync(run.chunksDir).filter((n) => n.endsWith('.done.json'))) {
    compute += JSON.parse(readFileSync(join(run.chunksDir, f), 'utf8')).computeSeconds;
  }
  return compute;
}

const slots = cpus().length;
const load = loadavg()[0];
const direct = await directRun();
const slurm = await slurmSweep();

// Watching: 1000 elements that stay queued (held), polled the way the lifecycle polls.
const backend = createSlurmBackend({ runDir: dir, settings: { site: 'test-cluster' } });
const jobName = `hpcinv-bench-watch-${process.pid}`;
const arrayId = execFileSync('sbatch', ['--parsable', '--hold', `--job-name=${jobName}`, '--array=0-999', '--output=/dev/null', '--wrap', 'true'], { encoding: 'utf8' }).trim();
const ids = Array.from({ length: 1000 }, (_, i) => `${arrayId}_${i}`);
const backoff = new Backoff(250, backend.maxPollIntervalMs);
const before = { ...backend.scheduler.calls };
const pollMs = [];
const tWatch = performance.now();
let polls = 0;
while ((performance.now() - tWatch) / 1000 < watchSeconds) {
  await backoff.wait();
  const t = performance.now();
  const states = await backend.poll(dir, ids);
  pollMs.push(performance.now() - t);
  polls++;
  if (states.size !== 1000 || [...states.values()].some((s) => s !== 'pending')) throw new Error('unexpected states while watching');
}
const watched = (performance.now() - tWatch) / 60000;
const calls = Object.fromEntries(Object.entries(backend.scheduler.calls).map(([k, v]) => [k, v - before[k]]));
execFileSync('scancel', [arrayId]);
await backend.close();
rmSync(dir, { recursive: true, force: true });
rmSync(snapshot, { recursive: true, force: true });
pollMs.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      conditions: { cores: slots, loadavg1AtStart: load, chunks, chunksPerElement: perElement, elements: Math.ceil(chunks / perElement) },
      submitToGathered: {
        direct: { ...direct, ...efficiency(direct) },
        slurm: { ...slurm, ...efficiency(slurm) },
        slurmOverDirectWall: slurm.wallSeconds / direct.wallSeconds,
        slurmOverDirectEfficiency: efficiency(slurm).coreEfficiency / efficiency(direct).coreEfficiency,
        note: 'direct = the same elements as hpcinv task processes, one per core, no scheduler; coreEfficiency = Σ task compute / (cores × wall), overheadSeconds = wall − Σ task compute / cores (both absorb other load on the machine)',
      },
      watching1000Elements: {
        minutes: watched,
        polls,
        schedulerCalls: calls,
        callsPerMinute: (calls.squeue + calls.sacct) / watched,
        callsPerPoll: (calls.squeue + calls.sacct) / polls,
        pollMedianMs: pollMs[Math.floor(pollMs.length / 2)],
        maxIntervalSeconds: backend.maxPollIntervalMs / 1000,
      },
    },
    null,
    2,
  ),
);
