import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractSafely, packArchive, runInputEntries } from '../../../src/jobs/slurm/archive.js';

describe('stage-in/out archives', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcinv-archive-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the run inputs exclude outputs, orchestrator state, temp files and symlinks', () => {
    const run = join(dir, 'run');
    mkdirSync(join(run, 'inputs'), { recursive: true });
    for (const f of ['experiment.yaml', 'theta.arrow', 'plan.json', 'manifest.jsonl', 'dataset.arrow', 'plan.json.tmp-123', 'inputs/w.txt']) writeFileSync(join(run, f), f);
    for (const d of ['chunks', 'logs', 'backend', 'model', 'report']) mkdirSync(join(run, d));
    symlinkSync('/etc', join(run, 'escape'));
    expect(runInputEntries(run)).toEqual(['experiment.yaml', 'inputs', 'plan.json', 'theta.arrow']);
  });

  test('pack → extract round-trips files; GNU tar reads our archives too', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'inputs'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha');
    writeFileSync(join(src, 'inputs', "it's b.txt"), 'beta');
    await packArchive(join(dir, 'x.tgz'), src, ['a.txt', 'inputs']);
    const out = join(dir, 'out');
    mkdirSync(out);
    expect((await extractSafely(join(dir, 'x.tgz'), out)).sort()).toEqual(['a.txt', "inputs/it's b.txt"]);
    expect(readFileSync(join(out, 'inputs', "it's b.txt"), 'utf8')).toBe('beta');
    expect(execFileSync('tar', ['-tzf', join(dir, 'x.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['a.txt', 'inputs/', "inputs/it's b.txt"]);
  });

  test('a hostile archive (.. members, absolute names, symlink escapes) writes nothing outside the target', async () => {
    // Built with GNU tar, the way a tampered remote run directory could produce it.
    const evil = join(dir, 'evil');
    mkdirSync(join(evil, 'sub'), { recursive: true });
    writeFileSync(join(evil, 'sub', 'ok.txt'), 'fine');
    writeFileSync(join(dir, 'outside-src.txt'), 'pwned');
    writeFileSync(join(dir, 'absolute.txt'), 'pwned');
    symlinkSync(dir, join(evil, 'link'));
    const archive = join(dir, 'evil.tgz');
    execFileSync('tar', ['-czf', archive, '-P', '-C', evil, 'sub/ok.txt', 'link', `--transform=s|^${dir}/outside-src.txt|../outside.txt|`, join(dir, 'outside-src.txt'), join(dir, 'absolute.txt')], { stdio: 'ignore' });
    const members = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n');
    expect(members).toEqual(expect.arrayContaining(['sub/ok.txt', 'link', '../outside.txt', join(dir, 'absolute.txt')]));
    rmSync(join(dir, 'absolute.txt'));
    const target = join(dir, 'target');
    mkdirSync(target);
    await expect(extractSafely(archive, target)).rejects.toThrow(/would write outside .*link \(SymbolicLink\).*outside\.txt/);
    expect(readFileSync(join(target, 'sub', 'ok.txt'), 'utf8')).toBe('fine');
    expect(existsSync(join(target, 'link'))).toBe(false);
    expect(existsSync(join(dir, 'outside.txt'))).toBe(false);
    expect(existsSync(join(dir, 'absolute.txt'))).toBe(false);
  });
});
