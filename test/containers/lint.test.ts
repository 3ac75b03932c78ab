import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { packageRoot } from '../../src/version.js';
import { readTemplate, renderTemplate } from '../../src/jobs/templates/render.js';
import { sampleContext } from '../../src/jobs/templates/lint.js';
import { taskCommandFor } from '../../src/jobs/slurm/job-script.js';
import { siteSchema } from '../../src/sites/schema.js';
import { launcherWords } from '../../src/jobs/unicore/job-description.js';
import { checkDockerfile } from './dockerfile-rules.js';
import { parseDef, SHELL_SECTIONS } from './apptainer-def.js';
import { findShellScripts } from './shell-files.js';

const root = packageRoot;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ShellCheckComment {
  file: string;
  line: number;
  code: number;
  level: string;
  message: string;
}

/** ShellCheck on files (paths) or on one script given as text; returns its findings at every level. */
function shellcheck(args: { files?: string[]; text?: string; shell?: string }): ShellCheckComment[] {
  const argv = ['-f', 'json1', ...(args.shell ? ['-s', args.shell] : []), ...(args.files ?? ['-'])];
  const r = spawnSync('shellcheck', argv, { cwd: root, input: args.text, encoding: 'utf8' });
  if (r.error) {
    throw new Error(`shellcheck could not run (${r.error.message}) — fix: sh scripts/containers/install-podman.sh (as root)`);
  }
  return (JSON.parse(r.stdout) as { comments: ShellCheckComment[] }).comments;
}

const show = (comments: ShellCheckComment[]) =>
  comments.map((c) => `${c.file}:${c.line} SC${c.code} (${c.level}) ${c.message}`).join('\n');

describe('shell scripts (ShellCheck, all levels)', () => {
  test('ShellCheck reports a seeded problem (the harness can fail)', () => {
    const comments = shellcheck({ text: '#!/bin/sh\nrm -rf $1/tmp\n' });
    expect(comments.map((c) => c.code)).toContain(2086);
  });

  test('every shell script in the repository is clean', () => {
    const files = findShellScripts(root);
    // the finder sees the scripts this part ships and the CI entry point
    expect(files).toEqual(expect.arrayContaining(['containers/build.sh', 'containers/make-node-base.sh', 'containers/hpcinv.sh', 'scripts/containers/install-podman.sh', '.ci/run']));
    const comments = shellcheck({ files });
    expect(show(comments)).toBe('');
  });

  test.each(['none', 'apptainer', 'sarus', 'pyxis'] as const)('the rendered SLURM job script is clean (container runtime %s)', (runtime) => {
    const site = siteSchema.parse({ container: runtime === 'none' ? { runtime } : { runtime, image: '/p/images/hpcinv 0.1.sif' } });
    const context = sampleContext();
    const script = renderTemplate(readTemplate('array'), {
      ...context,
      taskCommand: taskCommandFor(site, context.runDir as string, ['node', '/opt/hpcinv/dist/cli/main.js']),
    });
    expect(show(shellcheck({ text: script }))).toBe('');
  });

  test.each([
    { container: { runtime: 'apptainer' as const, image: '/p/images/hpcinv.sif' } },
    { container: { runtime: 'podman' as const, image: 'localhost/hpcinv:0.1.0' } },
  ])('the UNICORE launcher line is clean ($container.runtime)', (launcher) => {
    const line = `${launcherWords(launcher)} task . --chunk 3 --attempt 1 --job-id 'u-1'`;
    expect(show(shellcheck({ text: `#!/bin/sh\n${line}\n`, shell: 'sh' }))).toBe('');
  });
});

describe('containers/Dockerfile', () => {
  const dockerfile = read('containers/Dockerfile');
  const strict = {
    deprecatedMaintainer: ValidationSeverity.ERROR,
    directiveCasing: ValidationSeverity.ERROR,
    emptyContinuationLine: ValidationSeverity.ERROR,
    instructionCasing: ValidationSeverity.ERROR,
    instructionCmdMultiple: ValidationSeverity.ERROR,
    instructionEntrypointMultiple: ValidationSeverity.ERROR,
    instructionHealthcheckMultiple: ValidationSeverity.ERROR,
    instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
    instructionWorkdirRelative: ValidationSeverity.ERROR,
  };
  const bad = [
    'FROM debian',
    'MAINTAINER someone',
    "CMD ['node']",
    'ADD https://example.org/x.txt /x.txt',
    'ADD notes.txt /notes.txt',
    'COPY --from=builder /a /b',
    'workdir app',
    'ENTRYPOINT node main.js',
    'USER root',
    '',
  ].join('\n');

  test('dockerfile-utils (the VS Code Docker linter) finds nothing at its strictest settings', () => {
    expect(validate(dockerfile, strict).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  test('dockerfile-utils flags a bad Dockerfile (the check can fail)', () => {
    expect(validate(bad, strict).length).toBeGreaterThanOrEqual(3);
  });

  test('the project rules (hadolint subset and the image contract) pass', () => {
    expect(checkDockerfile(dockerfile)).toEqual([]);
  });

  test('the project rules flag every violation in a bad Dockerfile', () => {
    const rules = new Set(checkDockerfile(bad).map((f) => f.rule));
    for (const rule of ['DL3006', 'DL4000', 'DL3025', 'DL3020', 'DL3022', 'DL3000', 'DL3002', 'HPC001', 'HPC003']) {
      expect(rules).toContain(rule);
    }
    expect(checkDockerfile('FROM node:latest AS a\nFROM a AS a\nUSER 1000\n').map((f) => f.rule)).toEqual(
      expect.arrayContaining(['DL3007', 'DL3024', 'HPC002']),
    );
  });
});

describe('Apptainer definitions (apptainer itself cannot be installed here)', () => {
  /** What the image's entry point runs by default: the last line of containers/entrypoint.sh. */
  const taskLine = read('containers/entrypoint.sh').trim().split('\n').at(-1)!;

  test.each(['containers/apptainer.def', 'containers/apptainer-bundle.def'])('%s is well formed and its shell sections are clean', (path) => {
    const def = parseDef(read(path));
    expect(def.problems).toEqual([]);
    for (const name of SHELL_SECTIONS) {
      const body = def.sections.get(name);
      if (body === undefined) continue;
      const comments = shellcheck({ text: `#!/bin/sh\n${body}\n`, shell: 'sh' });
      expect(`%${name}\n${show(comments)}`).toBe(`%${name}\n`);
    }
    // `apptainer run` must do what the OCI image's entry point does: hpcinv task with the user's arguments
    expect(def.sections.get('runscript')).toContain(taskLine);
  });

  test('the checker flags a broken definition (the check can fail)', () => {
    const def = parseDef('Bootstrap: dokker\n%post\n  echo hi\n%runscrip\n  true\n%post\n');
    expect(def.problems.join('\n')).toMatch(/dokker/);
    expect(def.problems.join('\n')).toMatch(/unknown section %runscrip/);
    expect(def.problems.join('\n')).toMatch(/%post appears twice/);
    expect(parseDef('Bootstrap: docker\n').problems).toEqual(['Bootstrap: docker needs a From: line']);
  });

  test('the entry point is hpcinv task, and the hpcinv wrapper on the PATH starts the same program', () => {
    expect(taskLine).toBe('exec node /opt/hpcinv/dist/cli/main.js task "$@"');
    const dockerfile = read('containers/Dockerfile');
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/local/bin/hpcinv-entrypoint"]');
    expect(dockerfile).toContain('/opt/app/containers/entrypoint.sh /usr/local/bin/hpcinv-entrypoint');
    expect(read('containers/hpcinv.sh')).toContain(taskLine.replace(' task ', ' '));
  });
});
