/**
 * The fast half of scripts/check-docs.sh (the slow half runs the shell blocks): every `hpcinv` command
 * line in README.md and docs/*.md — shell blocks, synopses and inline code — must parse with the real
 * `hpcinv` yargs configuration (strict: unknown commands, flags, choices and extra arguments fail), and
 * every check-docs marker must be well-formed and point at something that exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, parseOnlyCommands } from '../../src/cli/build-cli.js';
import { hpcinvInvocations } from './command-line.js';

const root = join(import.meta.dirname, '..', '..');
const SHELL = ['sh', 'bash', 'shell', 'console'];

interface Row { kind: string; page: string; line: number; a: string; b: string }

function listing(pages: string[] = []): Row[] {
  const out = execFileSync('bash', ['scripts/check-docs.sh', '--list', ...pages], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => {
    const [kind, page, line, a, b] = l.split('\t');
    return { kind, page, line: Number(line), a, b };
  });
}

/** Parses argv with hpcinv's own yargs configuration, handlers replaced by no-ops; the error message or undefined. */
function parseError(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    buildCli(args, parseOnlyCommands())
      .exitProcess(false)
      .parse(args, {}, (err: Error | undefined) => resolve(err ? err.message : undefined));
  });
}

/** The lines of the fenced block that opens at (1-based) line `line` of `page`. */
function blockText(page: string, line: number): string {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const indent = /^\s*/.exec(lines[line - 1])![0];
  const body: string[] = [];
  for (let i = line; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i].slice(indent.length));
  return body.join('\n');
}

const rows = listing();

describe('the documentation checker', () => {
  it('finds the blocks and commands of every page, and no malformed marker or untagged block', () => {
    expect(rows.filter((r) => r.kind === 'E').map((r) => `${r.page}:${r.line}: ${r.a}`)).toEqual([]);
    const pages = new Set(rows.map((r) => r.page));
    for (const p of ['README.md', 'docs/quickstart.md', 'docs/user-guide.md', 'docs/slurm.md', 'docs/unicore.md', 'docs/containers.md']) expect(pages).toContain(p);
    const commands = rows.filter((r) => r.kind === 'C').map((r) => r.b);
    expect(commands).toContain('hpcinv status runs/g --live --chunks   # also ask the backend why each in-flight chunk is not done yet');
    expect(commands).toContain('hpcinv lint-template my.sh.mustache');
  });

  it('reports an untagged block, an unknown marker and a marker before a non-shell block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-docs-'));
    try {
      const page = join(dir, 'bad.md');
      writeFileSync(page, ['<!-- check-docs: needs nothing-else -->', '```sh', 'echo ok', '```', '', '```', 'out', '```',
        '<!-- check-docs: frobnicate -->', '<!-- check-docs: needs slurm -->', '```yaml', 'a: 1', '```', ''].join('\n'));
      const errors = listing([page]).filter((r) => r.kind === 'E').map((r) => `${r.line}: ${r.a}`);
      expect(errors).toEqual([
        expect.stringMatching(/^6: a fenced block without a language tag/),
        '9: unknown marker: frobnicate',
        expect.stringMatching(/^11: a check-docs marker before a non-shell block/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the parse-only check is not vacuous', () => {
  it('accepts a real command line and rejects unknown commands, flags, choices and extra arguments', async () => {
    expect(await parseError(['status', 'runs/g', '--chunks', '--live', '--json'])).toBeUndefined();
    expect(await parseError(['frobnicate', 'runs/g'])).toMatch(/Unknown argument|Unknown command/i);
    expect(await parseError(['status', 'runs/g', '--no-such-flag'])).toMatch(/Unknown argument/);
    expect(await parseError(['run', 'x.yaml', '--flow', 'realnvp'])).toMatch(/Invalid values/);
    expect(await parseError(['status', 'runs/g', 'extra'])).toMatch(/Unknown argument/);
    expect(await parseError(['sample'])).toMatch(/Not enough non-option arguments/);
  });

  it('splits shell lines and synopses into hpcinv invocations', () => {
    expect(hpcinvInvocations('hpcinv sample e.yaml runs/g && hpcinv submit runs/g   # comment', false).map((i) => i.args))
      .toEqual([['sample', 'e.yaml', 'runs/g'], ['submit', 'runs/g']]);
    expect(hpcinvInvocations('HPCINV_SITE=x node dist/cli/main.js run "a b.yaml" --json > runs/u.json &', false).map((i) => i.args))
      .toEqual([['run', 'a b.yaml', '--json']]);
    expect(hpcinvInvocations('docker build -t hpcinv:"$(hpcinv --version)" ctx', false).map((i) => i.args)).toEqual([['--version']]);
    expect(hpcinvInvocations('hpcinv simulate <experiment.yaml> [-o out.arrow|out.csv] [--set path=value ...]', true).map((i) => i.args))
      .toEqual([['simulate', '<experiment.yaml>', '-o', 'out.arrow', '--set', 'path=value']]);
    expect(hpcinvInvocations('hpcinv <command> --help', true)[0].placeholderCommand).toBe(true);
  });
});

describe('every documented hpcinv command line parses', () => {
  const commandRows = rows.filter((r) => r.kind === 'C');
  it('with the real yargs configuration of hpcinv', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const r of commandRows) {
      for (const inv of hpcinvInvocations(r.b, r.a !== 'block')) {
        if (inv.placeholderCommand || inv.args.length === 0) continue;
        const err = await parseError(inv.args);
        checked++;
        // Prose and synopses may name a command without its arguments (`hpcinv train`, `hpcinv task ARGS`);
        // what they name must exist. A shell block is a full invocation: every error counts.
        if (err && r.a !== 'block' && /^(Not enough non-option arguments|Missing required argument)/.test(err)) continue;
        if (err) problems.push(`${r.page}:${r.line}: hpcinv ${inv.args.join(' ')} — ${err}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});

describe('markers and inline commands point at things that exist', () => {
  it('not-run names existing tests, same-as names a page that runs the identical block', () => {
    const blocks = rows.filter((r) => r.kind === 'B' && SHELL.includes(r.a));
    const problems: string[] = [];
    for (const r of blocks) {
      if (r.b.startsWith('not-run=')) {
        for (const t of r.b.slice('not-run='.length).split(',')) if (!existsSync(join(root, t))) problems.push(`${r.page}:${r.line}: ${t} does not exist`);
      } else if (r.b.startsWith('same-as=')) {
        const target = r.b.slice('same-as='.length);
        const text = blockText(r.page, r.line);
        const twin = blocks.find((o) => o.page === target && o.b === 'run' && blockText(o.page, o.line) === text);
        if (!twin) problems.push(`${r.page}:${r.line}: no identical block that runs in ${target}`);
      } else if (!(r.b === 'run' || /^needs=(slurm|openssl|podman)(,(slurm|openssl|podman))*$/.test(r.b))) {
        problems.push(`${r.page}:${r.line}: unknown mode ${r.b}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('inline npm scripts and script files exist', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts);
    const problems: string[] = [];
    for (const r of rows.filter((x) => x.kind === 'I')) {
      const words = r.b.split(/\s+/);
      const npmRun = /^npm run ([\w:-]+)/.exec(r.b);
      if (npmRun && !scripts.includes(npmRun[1])) problems.push(`${r.page}:${r.line}: npm script ${npmRun[1]} does not exist`);
      // `npm run bench [--] NAME` and `node scripts/bench.js NAME` run scripts/bench/NAME.js.
      const bench = /(?:npm run bench(?: --)?|node scripts\/bench\.js) ([a-z][\w-]*)/.exec(r.b);
      if (bench && !existsSync(join(root, 'scripts', 'bench', `${bench[1]}.js`))) problems.push(`${r.page}:${r.line}: no benchmark scripts/bench/${bench[1]}.js`);
      for (const w of words) {
        if (/^(scripts|containers|templates|test|slurm)\/[\w./-]+$/.test(w) && !existsSync(join(root, w))) problems.push(`${r.page}:${r.line}: ${w} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
