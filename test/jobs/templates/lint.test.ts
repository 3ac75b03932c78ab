import { readTemplate } from '../../../src/jobs/templates/render.js';
import { lintTemplate } from '../../../src/jobs/templates/lint.js';

const builtin = readTemplate('array');
const errors = (t: string): string[] => lintTemplate(t).filter((f) => f.level === 'error').map((f) => f.message);

describe('template lint', () => {
  test('the built-in template is clean', () => {
    expect(lintTemplate(builtin)).toEqual([]);
  });

  test('a site may add literal directives and setup lines', () => {
    const site = builtin.replace('#SBATCH --time={{time}}\n', '#SBATCH --time={{time}}\n#SBATCH --gres=gpu:1\n').replace('set -euo pipefail\n', 'set -euo pipefail\nsource /etc/profile.d/modules.sh\nexport OMP_NUM_THREADS=1\n');
    expect(lintTemplate(site)).toEqual([]);
  });

  test('unescaped placeholders are refused', () => {
    expect(errors(builtin.replace('RUN_DIR={{runDir}}', 'RUN_DIR={{{runDir}}}'))).toEqual([expect.stringMatching(/without shell quoting.*fix: write \{\{runDir\}\}/)]);
    expect(errors(builtin.replace('RUN_DIR={{runDir}}', 'RUN_DIR={{&runDir}}'))).toEqual([expect.stringMatching(/without shell quoting/)]);
  });

  test('unknown placeholders, partials and delimiter changes are refused', () => {
    expect(errors(builtin.replace('set -euo', '#{{project}}\nset -euo'))[0]).toMatch(/unknown placeholder \{\{project\}\}.*fix:/);
    expect(errors(builtin.replace('set -euo', '{{>header}}\nset -euo'))[0]).toMatch(/partial/);
    expect(errors(builtin.replace('set -euo', '{{=<% %>=}}\nset -euo'))[0]).toMatch(/delimiters/);
  });

  test('a missing required placeholder is named', () => {
    const t = builtin.replace('OFFSET={{offset}}', 'OFFSET=0');
    expect(errors(t)).toEqual([expect.stringMatching(/required placeholder \{\{offset\}\} is missing/)]);
  });

  test('a list used as a single value is refused', () => {
    expect(errors(builtin.replace('TASK=({{#taskCommand}}{{.}} {{/taskCommand}})', 'TASK=({{taskCommand}})'))[0]).toMatch(/is a list — fix: iterate it/);
  });

  test('#SBATCH after the first command is reported (sbatch would ignore it)', () => {
    const t = builtin.replace('set -euo pipefail\n', 'set -euo pipefail\n#SBATCH --exclusive\n');
    expect(errors(t)).toEqual([expect.stringMatching(/"#SBATCH --exclusive" comes after the first command.*sbatch ignores it/)]);
  });

  test('the log directive, the shebang and bash syntax are checked on the rendered script', () => {
    expect(errors(builtin.replace('#SBATCH --output=logs/%A_%a.log\n', '#SBATCH --output=slurm-%j.out\n'))[0]).toMatch(/--output=logs\/%A_%a.log/);
    expect(errors(builtin.replace('#!/bin/bash\n', ''))[0]).toMatch(/#!/);
    expect(errors(builtin.replace('fi\n', '\n'))[0]).toMatch(/not valid bash/);
  });

  test('an unclosed section is a syntax error with a fix', () => {
    expect(errors(builtin.replace('{{/mem}}', ''))[0]).toMatch(/template syntax: .*fix:/);
  });

  test('no set -e is only a warning', () => {
    const findings = lintTemplate(builtin.replace('set -euo pipefail\n', ''));
    expect(findings).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/set -e/) })]);
  });
});
