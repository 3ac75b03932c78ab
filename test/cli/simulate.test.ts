import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import pl from 'nodejs-polars';
import { packageRoot } from '../../src/version.js';

// Runs the built CLI (`npm test` builds dist/ first).
const cli = join(packageRoot, 'dist', 'cli', 'main.js');
const hpcinv = (args: string[], cwd: string) => execa(process.execPath, [cli, ...args], { cwd, reject: false });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcinv-simulate-'));
  writeFileSync(join(dir, 'w.csv'), '0,1,0.5\n1,0,0\n0.2,0.3,0\n');
  writeFileSync(join(dir, 'l.csv'), '0,10,20\n10,0,15\n20,15,0\n');
  writeFileSync(
    join(dir, 'exp.yaml'),
    [
      'connectome: { weights: w.csv, tractLengths: l.csv, speed: 3 }',
      'coupling: { a: 0.3 }',
      'integrator: { dt: 0.1, nsig: [0.01, 0.02], seed: 3 }',
      'duration: 20',
      'monitors: { tavg: { period: 1 }, raw: { every: 10 } }',
      'prior: { ignored: here }',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('CSV output has the header t,r0..r{N-1},V0..V{N-1}', async () => {
  const res = await hpcinv(['simulate', 'exp.yaml', '-o', 'out.csv'], dir);
  expect(res.exitCode).toBe(0);
  const lines = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('t,r0,r1,r2,V0,V1,V2');
  expect(lines).toHaveLength(21);
  expect(Number(lines[1].split(',')[0])).toBeCloseTo(0.5, 12);
  expect(res.stdout).toMatch(/wrote 20 rows of tavg to out.csv/);
});

test('Arrow output of a varied batch opens in polars and matches the CSV of a single run', async () => {
  const res = await hpcinv(['simulate', 'exp.yaml', '-o', 'batch.arrow', '--vary', 'coupling.a=0.3,0.6', '--monitor', 'raw', '--json'], dir);
  expect(res.exitCode).toBe(0);
  const summary = JSON.parse(res.stdout);
  expect(summary.simulations.map((s: { parameters: Record<string, number> }) => s.parameters['coupling.a'])).toEqual([0.3, 0.6]);
  const df = pl.readIPC(readFileSync(join(dir, 'batch.arrow')));
  expect(df.columns.slice(0, 3)).toEqual(['sim', 't', 'r0']);
  expect(df.height).toBe(40);
  const single = await hpcinv(['simulate', 'exp.yaml', '-o', 'one.csv', '-m', 'raw'], dir);
  expect(single.exitCode).toBe(0);
  const csvRows = readFileSync(join(dir, 'one.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const r1 = df.getColumn('r1').toArray() as number[];
  csvRows.forEach((row, k) => expect(r1[k]).toBe(row[2]));
  const r1b = r1.slice(20);
  expect(r1b).not.toEqual(r1.slice(0, 20));
});

test('bad input: exit 2, the field and the fix, nothing written', async () => {
  writeFileSync(join(dir, 'bad.yaml'), 'connectome: { weights: w.csv }\nintegrator: { dt: -1 }\nduration: 1\nmonitors: { tavg: { period: 1 } }\n');
  const res = await hpcinv(['simulate', 'bad.yaml', '-o', 'bad.csv'], dir);
  expect(res.exitCode).toBe(2);
  expect(res.stderr).toMatch(/at integrator\.dt: dt must be > 0 — fix/);
  expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
  const missing = await hpcinv(['simulate', 'exp.yaml', '-m', 'bold', '-o', 'bold.csv'], dir);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toMatch(/does not record the bold monitor — fix/);
  expect(existsSync(join(dir, 'bold.csv'))).toBe(false);
  const path = await hpcinv(['simulate', 'exp.yaml', '--set', 'coupling.z=1'], dir);
  expect(path.exitCode).toBe(2);
  expect(path.stderr).toMatch(/names no Linear coupling parameter — fix/);
});
