import type { CommandModule } from 'yargs';

interface LintArgs {
  template: string;
  json: boolean;
}

export const lintTemplateCommand: CommandModule<object, LintArgs> = {
  command: 'lint-template <template>',
  describe: 'Check a (site-edited) SLURM job-script template against the template contract (docs/sysadmin.md)',
  builder: (y) =>
    y
      .positional('template', { type: 'string', demandOption: true, describe: 'Template file, or a built-in name such as array' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the findings as JSON' }),
  handler: async (args) => {
    const { readTemplate } = await import('../jobs/templates/render.js');
    const { lintTemplate } = await import('../jobs/templates/lint.js');
    const findings = lintTemplate(readTemplate(args.template));
    if (args.json) console.log(JSON.stringify({ template: args.template, findings }, null, 2));
    else if (findings.length === 0) console.log(`${args.template}: follows the template contract`);
    else for (const f of findings) console.log(`${args.template}${f.line ? `:${f.line}` : ''}: ${f.level}: ${f.message}`);
    if (findings.some((f) => f.level === 'error')) process.exitCode = 2;
  },
};
