import type { CommandModule } from 'yargs';

interface RenderArgs {
  run: string;
  site?: string;
  chunk?: number[];
  validate: boolean;
  json: boolean;
}

export const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render <run>',
  describe: 'Print the exact SLURM job scripts a submit of this run would send (and, with --validate, SLURM\'s verdict)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory (planned: after `hpcinv submit --dry-run`)' })
      .option('site', { type: 'string', describe: 'Site profile name or YAML path (default: the experiment\'s backend.site)' })
      .option('chunk', { type: 'number', array: true, describe: 'Only these chunks (default: every chunk not done)' })
      .option('validate', { type: 'boolean', default: false, describe: 'Check each script with `sbatch --test-only` (submits nothing)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { renderRun } = await import('../jobs/slurm/render-run.js');
    const r = await renderRun(args.run, { site: args.site, chunks: args.chunk, validate: args.validate });
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else {
      process.stdout.write(r.text);
      for (const v of r.verdicts ?? []) console.error(`sbatch --test-only ${v.jobName}: ${v.ok ? 'accepted' : 'REFUSED'} — ${v.message}`);
    }
    if (r.verdicts?.some((v) => !v.ok)) process.exitCode = 3;
  },
};
