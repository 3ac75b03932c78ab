import { execFileSync } from 'node:child_process';
import Mustache from 'mustache';
import { PLACEHOLDERS, REQUIRED_OUTPUT_DIRECTIVE, type TemplateContext } from './contract.js';
import { renderTemplate } from './render.js';

export interface LintFinding {
  level: 'error' | 'warning';
  /** 1-based line in the template, when the problem has one. */
  line?: number;
  message: string;
}

type Token = [string, string, number, number, Token[]?, number?];

/** A context with every placeholder filled with awkward but legal values, to render a template under test. */
export function sampleContext(): TemplateContext {
  return {
    jobName: 'hpcinv.lint.s1p0',
    arraySpec: '0-9%2',
    runDir: "/scratch/it's a run dir/run-1",
    mapFile: 'slurm/s1.map',
    offset: '0',
    taskCommand: ['node', '/opt/hpcinv dist/cli/main.js'],
    time: '00:10:00',
    cpusPerTask: '1',
    mem: '1G',
    account: 'proj42',
    partition: 'batch',
    qos: 'normal',
    requeue: true,
    extraDirectives: ['--constraint=mc'],
    modules: ['apptainer/1.3'],
    hpcinvVersion: '0.0.0-lint',
    site: 'lint',
  };
}

/**
 * Check a (site-edited) template against the contract: only known placeholders, all escaped (no
 * `{{{x}}}` / `{{&x}}`, which bypass quoting), no partials or delimiter changes, every required
 * placeholder used; then render it with sample values and check the script: shebang, the log-file
 * directive, every #SBATCH line before the first command (sbatch ignores later ones), bash syntax.
 */
export function lintTemplate(template: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const lineOf = (offset: number): number => template.slice(0, offset).split('\n').length;
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (err) {
    return [{ level: 'error', message: `template syntax: ${(err as Error).message} — fix: close every {{#section}} with {{/section}}` }];
  }
  const used = new Set<string>();
  const walk = (list: Token[]): void => {
    for (const [type, value, start, , children] of list) {
      const line = lineOf(start);
      if (type === 'text' || type === '!' || type === '/') continue;
      if (type === '&' || type === '{') {
        findings.push({ level: 'error', line, message: `{{{${value}}}} / {{&${value}}} inserts ${value} without shell quoting — fix: write {{${value}}}; hpcinv quotes every value` });
      } else if (type === '>') {
        findings.push({ level: 'error', line, message: `partial {{>${value}}} is not supported — fix: paste the text into the template` });
        continue;
      } else if (type === '=') {
        findings.push({ level: 'error', line, message: 'changing delimiters ({{=...=}}) is not supported — fix: keep {{ }}' });
        continue;
      }
      if (value === '.') {
        if (children) walk(children);
        continue;
      }
      const spec = PLACEHOLDERS[value];
      if (!spec) {
        findings.push({ level: 'error', line, message: `unknown placeholder {{${value}}} — fix: use one of ${Object.keys(PLACEHOLDERS).join(', ')} (docs/sysadmin.md), or write the value literally` });
      } else {
        used.add(value);
        if (spec.kind === 'list' && type === 'name') {
          findings.push({ level: 'error', line, message: `{{${value}}} is a list — fix: iterate it, e.g. {{#${value}}}{{.}} {{/${value}}}` });
        }
      }
      if (children) walk(children);
    }
  };
  walk(tokens);
  for (const [name, spec] of Object.entries(PLACEHOLDERS)) {
    if (spec.required && !used.has(name)) {
      findings.push({ level: 'error', message: `required placeholder {{${name}}} is missing (${spec.doc}) — fix: keep the line of the built-in template that uses it` });
    }
  }
  if (findings.some((f) => f.level === 'error')) return findings;
  findings.push(...lintRendered(renderTemplate(template, sampleContext())));
  return findings;
}

function lintRendered(script: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const lines = script.split('\n');
  if (!lines[0]?.startsWith('#!')) {
    findings.push({ level: 'error', line: 1, message: 'the script does not start with #! — fix: make #!/bin/bash the first line (sbatch requires an interpreter line)' });
  }
  if (!lines.includes(REQUIRED_OUTPUT_DIRECTIVE)) {
    findings.push({ level: 'error', message: `no "${REQUIRED_OUTPUT_DIRECTIVE}" line — fix: keep it; hpcinv finds each element's log there` });
  }
  if (!lines.some((l) => /^#SBATCH --array=/.test(l))) {
    findings.push({ level: 'error', message: 'no "#SBATCH --array={{arraySpec}}" line — fix: keep it; hpcinv submits array jobs' });
  }
  let firstCommand = -1;
  lines.forEach((text, i) => {
    const t = text.trim();
    if (i === 0 || t === '') return;
    if (t.startsWith('#SBATCH')) {
      if (firstCommand >= 0) {
        findings.push({ level: 'error', line: i + 1, message: `"${t}" comes after the first command (rendered line ${firstCommand + 1}); sbatch ignores it — fix: move all #SBATCH lines to the top` });
      }
      return;
    }
    if (!t.startsWith('#') && firstCommand < 0) firstCommand = i;
  });
  if (!/^set -[a-z]*e/m.test(script)) {
    findings.push({ level: 'warning', message: 'no "set -e" (or set -euo pipefail): a failing setup command would not stop the task — fix: keep set -euo pipefail' });
  }
  try {
    execFileSync('bash', ['-n'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    findings.push({ level: 'error', message: `the rendered script is not valid bash: ${stderr} — fix: correct the shell syntax of the template` });
  }
  return findings;
}
