import type { CommandModule } from 'yargs';

interface SubmitArgs {
  run: string;
  backend?: string;
  concurrency?: number;
  'chunk-size'?: number;
  'max-attempts'?: number;
  'dry-run': boolean;
  yes: boolean;
  json: boolean;
}

export const submitCommand: CommandModule<object, SubmitArgs> = {
  command: 'submit <run>',
  describe: 'Plan chunks and run them on a backend until every chunk is done (re-attaches to a run already under way)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory (from `hpcinv sample`)' })
      .option('backend', { type: 'string', describe: 'local (default), slurm or unicore; default: the experiment\'s backend.name' })
      .option('concurrency', { type: 'number', describe: 'Tasks at once (local default: cores)' })
      .option('chunk-size', { type: 'number', describe: 'Simulations per chunk (default: sized from sweep.targetTaskMinutes)' })
      .option('max-attempts', { type: 'number', describe: 'Attempts per chunk (default: sweep.maxAttempts)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and exactly what would be submitted; submit nothing' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Submit without asking even when the cost estimate is above the confirmation threshold (budget.confirmAboveCoreHours)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { submitRun } = await import('../jobs/sweep.js');
    if (!args['dry-run']) {
      const { confirmSubmitCost } = await import('../planning/confirm.js');
      await confirmSubmitCost(args.run, { backend: args.backend, concurrency: args.concurrency, chunkSize: args['chunk-size'], yes: args.yes });
    }
    const r = await submitRun(args.run, {
      backend: args.backend,
      concurrency: args.concurrency,
      chunkSize: args['chunk-size'],
      maxAttempts: args['max-attempts'],
      dryRun: args['dry-run'],
      quiet: args.json,
    });
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else if (r.dryRun) process.stdout.write(r.dryRun);
    else console.log(r.summary);
    if (r.exitCode) process.exitCode = r.exitCode;
  },
};
