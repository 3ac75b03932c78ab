import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { taskCommand } from '../../src/jobs/local/task-command.js';
import { RunDir } from '../../src/store/run-dir.js';
import { foldManifest, readManifest } from '../../src/store/manifest.js';
import { requireBuild, smallExperiment, tempDir } from '../jobs/sweep-helpers.js';

beforeAll(requireBuild);
const [node, main] = taskCommand();
const hpcinv = (args: string[], env: Record<string, string> = {}) => execa(node, [main, ...args], { reject: false, env });

test('init writes the starter and refuses to overwrite; sample and submit --dry-run print the plan and the exact task commands', async () => {
  const dir = tempDir('cli');
  const file = join(dir, 'exp.yaml');
  expect((await hpcinv(['init', file])).exitCode).toBe(0);
  const again = await hpcinv(['init', file]);
  expect(again.exitCode).toBe(2);
  expect(again.stderr).toMatch(/already exists — fix: .*--force/);

  const exp = smallExperiment(dir, { count: 4 });
  const run = join(dir, 'run');
  expect((await hpcinv(['sample', exp, run, '--json'])).stdout).toMatch(/"samples": 4/);
  const dry = await hpcinv(['submit', run, '--dry-run', '--chunk-size', '2']);
  expect(dry.exitCode).toBe(0);
  expect(dry.stdout).toMatch(/# plan: 2 chunks of 2 simulations \(fixed\), 2 not done/);
  expect(dry.stdout).toContain(`task ${run} --chunk 1 --attempt 1`);
  // Nothing was submitted or planned.
  expect(existsSync(join(run, 'plan.json')) || existsSync(join(run, 'manifest.jsonl'))).toBe(false);
});

test('without a chunk size, submit times a shortened simulation and sizes chunks to the target task duration', async () => {
  const dir = tempDir('cli-timing');
  const run = join(dir, 'run');
  // Target 6 s per task, batches of 1, 40 samples: the chunk size is what fits in 6 s at the measured speed.
  await hpcinv(['sample', smallExperiment(dir, { count: 40, batchSize: 1, targetTaskMinutes: 0.1 }), run]);
  const dry = await hpcinv(['submit', run, '--dry-run', '--concurrency', '2']);
  expect(dry.exitCode).toBe(0);
  const m = /# plan: (\d+) chunks of (\d+) simulations \(timing, ([\d.]+) s\/simulation\)/.exec(dry.stdout);
  expect(m).not.toBeNull();
  const [chunks, size, perSim] = [Number(m![1]), Number(m![2]), Number(m![3])];
  // ±1: the printed seconds per simulation are rounded to 3 decimals.
  expect(Math.abs(size - Math.min(20, Math.max(1, Math.floor(6 / perSim))))).toBeLessThanOrEqual(1);
  expect(chunks).toBe(Math.ceil(40 / size));
});

test('malformed experiment: exit 2 and the field paths on stderr; missing run: exit 2 with the fix', async () => {
  const dir = tempDir('cli-bad');
  const exp = smallExperiment(dir);
  writeFileSync(exp, readFileSync(exp, 'utf8').replace('dt: 0.01', 'dt: zero').replace('count: 8', 'count: -3'));
  const r = await hpcinv(['sample', exp, join(dir, 'run')]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(/2 problems:\n\s+at integrator\.dt: .*fix:.*\n\s+at simulations\.count: .*fix:/);
  const s = await hpcinv(['status', join(dir, 'nowhere')]);
  expect(s.exitCode).toBe(2);
  expect(s.stderr).toMatch(/is not a run directory .* — fix: /);
});

test('submit, status --json, logs; a task refuses a run made by an incompatible hpcinv version', async () => {
  const dir = tempDir('cli-run');
  const run = join(dir, 'run');
  await hpcinv(['sample', smallExperiment(dir, { count: 2 }), run]);
  const sub = await hpcinv(['submit', run, '--chunk-size', '1', '--concurrency', '2']);
  expect(sub.exitCode).toBe(0);
  expect(sub.stdout).toMatch(/2\/2 chunks done on local/);
  expect(sub.stderr).toMatch(/progress: 2\/2 chunks, 2\/2 simulations/);
  const status = JSON.parse((await hpcinv(['status', run, '--json'])).stdout);
  expect(status.counts).toMatchObject({ done: 2, running: 0, failed: 0 });
  expect(status.samplesDone).toBe(2);
  const logs = await hpcinv(['logs', run, '1']);
  expect(logs.stdout).toMatch(/chunk 1: 1 simulations \(0 diverged\)/);

  const plan = JSON.parse(readFileSync(join(run, 'plan.json'), 'utf8'));
  writeFileSync(join(run, 'plan.json'), JSON.stringify({ ...plan, version: '7.0.0' }));
  const task = await hpcinv(['task', run, '--chunk', '0']);
  expect(task.exitCode).toBe(2);
  expect(task.stderr).toMatch(/made by hpcinv 7\.0\.0, this is hpcinv \d+\.\d+\.\d+: the versions are incompatible — fix:/);
});

test('a second submit on a running run is refused; cancel stops the sweep: the orchestrator exits, its tasks are killed, and a later submit resumes', async () => {
  const dir = tempDir('cli-cancel');
  const run = join(dir, 'run');
  await hpcinv(['sample', smallExperiment(dir, { count: 6, batchSize: 1 }), run]);
  const sweep = hpcinv(['submit', run, '--chunk-size', '1', '--concurrency', '1']);
  const pidDir = new RunDir(run).backendDir('local');
  const until = Date.now() + 60_000;
  while (!(existsSync(pidDir) && readdirSync(pidDir).some((f) => f.endsWith('.pid.json')))) {
    if (Date.now() > until) throw new Error(`no task started; submit said: ${JSON.stringify(await Promise.race([sweep, 'still running']))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const second = await hpcinv(['submit', run]);
  expect(second.exitCode).toBe(1);
  expect(second.stderr).toMatch(/another orchestrator \(pid \d+ on .*\) is running .* — fix:/);
  const c = await hpcinv(['cancel', run, '--json']);
  expect(c.exitCode).toBe(0);
  const stopped = await sweep;
  expect(stopped.exitCode).toBe(1);
  expect(stopped.stdout).toMatch(/cancelled; resume with `hpcinv submit`/);
  const states = [...foldManifest(readManifest(new RunDir(run))).values()].map((a) => a[a.length - 1].state);
  expect(states).toContain('cancelled');
  expect(states).not.toContain('submitted');

  const resumed = await hpcinv(['submit', run]);
  expect(resumed.exitCode).toBe(0);
  expect(resumed.stdout).toMatch(/6\/6 chunks done/);
  expect(existsSync(join(run, 'orchestrator.lock'))).toBe(false);
});
