import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTemplate, renderTemplate } from '../../../src/jobs/templates/render.js';
import { sampleContext } from '../../../src/jobs/templates/lint.js';
import { hostileWords } from '../transport/hostile.js';

describe('rendering the built-in SLURM array template', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-render-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('snapshot with every placeholder filled', () => {
    expect(renderTemplate(readTemplate('array'), sampleContext())).toMatchSnapshot();
  });

  test('snapshot with only the required placeholders (optional directives vanish, no blank #SBATCH lines)', () => {
    const ctx = { ...sampleContext(), mem: '', account: '', partition: '', qos: '', requeue: false, extraDirectives: [], modules: [] };
    const script = renderTemplate(readTemplate('array'), ctx);
    expect(script).not.toMatch(/--account|--partition|--qos|--mem|--requeue|module load/);
    expect(script).toMatchSnapshot();
  });

  test('the rendered script runs the task with hostile run dir, map file and command words unchanged, running nothing else', () => {
    const canary = join(dir, 'pwned');
    const hostile = hostileWords(canary).filter((w) => !/[\n\r]/.test(w) && w !== '');
    const runDir = join(dir, `run $(touch ${canary}) it's "x" \`id\``);
    mkdirSync(join(runDir, 'maps'), { recursive: true });
    const mapFile = "maps/s1 ;$(x).map";
    writeFileSync(join(runDir, mapFile), '--chunk 0 --attempt 1\n--chunk 5 --chunk 6 --attempt 2\n');
    // The "hpcinv" of this test prints the words it receives, NUL-separated.
    const printer = join(dir, 'print-args.sh');
    writeFileSync(printer, '#!/bin/sh\nprintf "%s\\0" "$@"\n', { mode: 0o755 });
    const script = renderTemplate(readTemplate('array'), { ...sampleContext(), runDir, mapFile, offset: '1', modules: [], taskCommand: [printer, ...hostile] });
    const out = execFileSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '42' },
    });
    const words = out.slice(out.indexOf('\n') + 1).split('\0').slice(0, -1);
    // Array index 0 + offset 1 → second line of the map file.
    expect(words).toEqual([...hostile, 'task', runDir, '--chunk', '5', '--chunk', '6', '--attempt', '2']);
    expect(existsSync(canary)).toBe(false);
  });

  test('a value with a line break is refused (it could end a #SBATCH line early)', () => {
    expect(() => renderTemplate(readTemplate('array'), { ...sampleContext(), runDir: '/a\n#SBATCH --account=other' })).toThrow(/runDir contains a line break.*fix:/);
    expect(() => renderTemplate(readTemplate('array'), { ...sampleContext(), taskCommand: ['a', 'b\nc'] })).toThrow(/taskCommand contains a line break/);
  });

  test('a line without a task is reported by the script, not run', () => {
    const runDir = join(dir, 'empty');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'm.map'), '--chunk 0 --attempt 1\n');
    const script = renderTemplate(readTemplate('array'), { ...sampleContext(), runDir, mapFile: 'm.map', modules: [], taskCommand: ['echo'] });
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync('bash', ['-c', script], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, SLURM_ARRAY_TASK_ID: '3' } });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(2);
    expect(err.stderr).toMatch(/no task arguments on line 4/);
  });
});
