import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobTemplate, jobTags, launcherWords } from '../../../src/jobs/unicore/job-description.js';
import { unicoreSettingsSchema } from '../../../src/jobs/unicore/settings.js';
import { parseDescription } from '../../../src/unicore-server/job-description.js';

const settings = (extra: Record<string, unknown> = {}) =>
  unicoreSettingsSchema.parse({ url: 'https://site.example/S/rest/core', ...extra });

describe('UNICORE job descriptions', () => {
  test('the default template: task command, resources as given, tags, client stage-in', () => {
    const d = new JobTemplate().render(settings({ queue: 'batch', runtime: '30min', nodes: 2, project: 'p1', precommand: 'module load X' }), 'r1', { chunk: 7, attempt: 2 });
    expect(d).toMatchObject({
      Executable: 'hpcinv',
      Arguments: ['task', '.', '--chunk', '7', '--attempt', '2', '--job-id', 'unicore-hpcinv-r1-c7-a2'],
      Resources: { Queue: 'batch', Runtime: '30min', Nodes: 2, Project: 'p1' },
      'User precommand': 'module load X',
      Tags: ['hpcinv', 'hpcinv-r1', 'hpcinv-r1-c7', 'hpcinv-r1-c7-a2'],
      haveClientStageIn: 'true',
    });
    // what the test server (written from the protocol, not from this renderer) accepts
    expect(parseDescription(d).runtimeSeconds).toBe(1800);
  });

  test('unset site values disappear instead of being sent empty', () => {
    const d = new JobTemplate().render(settings(), 'r', { chunk: 0, attempt: 1 });
    expect(d.Resources).toEqual({});
    expect(d).not.toHaveProperty('User precommand');
  });

  test('launcher words are quoted once for the job shell (checked by running bash)', () => {
    const words = ['printf', '[%s]', "it's", '$HOME', 'a b', '`id`'];
    const line = launcherWords({ command: words });
    const out = execFileSync('bash', ['-c', line], { encoding: 'utf8' });
    expect(out).toBe("[it's][$HOME][a b][`id`]");
  });

  test('container launchers run the image in the working directory', () => {
    expect(launcherWords({ container: { runtime: 'apptainer', image: '/p/img dir/h.sif' } }))
      .toBe(`apptainer exec --bind "$PWD" --pwd "$PWD" '/p/img dir/h.sif' hpcinv`);
    expect(launcherWords({ container: { runtime: 'podman', image: 'localhost/hpcinv:0.1.0' } }))
      .toBe('podman run --rm --entrypoint hpcinv -v "$PWD":"$PWD" -w "$PWD" localhost/hpcinv:0.1.0');
  });

  test('a staged bundle supplies launcher and set-up; the user precommand runs first', () => {
    const d = new JobTemplate().render(settings({ precommand: 'module load Node', launcher: { bundle: '/b.tgz' } }), 'r', { chunk: 1, attempt: 1 },
      { launcher: "node '/home/u/hpcinv/bundles/abc/package/dist/cli/main.js'", setup: 'd=x; true' });
    expect(d.Executable).toBe("node '/home/u/hpcinv/bundles/abc/package/dist/cli/main.js'");
    expect(d['User precommand']).toBe('module load Node; d=x; true');
  });

  test('tags identify run, chunk and attempt', () => {
    expect(jobTags('abc', { chunk: 3, attempt: 1 })).toEqual(['hpcinv', 'hpcinv-abc', 'hpcinv-abc-c3', 'hpcinv-abc-c3-a1']);
  });

  test('a site template with an unknown placeholder, without {{chunk}}, or not JSON is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-tpl-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => new JobTemplate(write('a.json', '{"Executable": "{{launcher}}", "Arguments": ["{{chunk}}", "{{attempt}}", "{{acount}}"]}')))
      .toThrow(/unknown placeholder \{\{acount\}\} — fix: use only run, chunk/);
    expect(() => new JobTemplate(write('b.json', '{"Executable": "{{launcher}}", "Arguments": ["{{attempt}}"]}')))
      .toThrow(/never uses \{\{chunk\}\}/);
    expect(() => new JobTemplate(write('c.json', '{"Executable": ')) ).toThrow(/is not JSON/);
    expect(() => new JobTemplate(join(dir, 'missing.json'))).toThrow(/cannot read the UNICORE job template/);
    const noPre = new JobTemplate(write('d.json', '{"Executable": "{{launcher}}", "Arguments": ["{{chunk}}", "{{attempt}}"]}'));
    expect(() => noPre.checkFor(settings({ launcher: { bundle: '/x.tgz' } }))).toThrow(/a bundle launcher needs to unpack hpcinv/);
    expect(() => noPre.checkFor(settings())).not.toThrow();
  });
});
