import type { CommandModule } from 'yargs';

interface RetryArgs {
  run: string;
  backend?: string;
  concurrency?: number;
  'max-attempts': number;
  json: boolean;
}

export const retryCommand: CommandModule<object, RetryArgs> = {
  command: 'retry <run>',
  describe: 'Rerun only the failed or missing chunks (up to --max-attempts more attempts each)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('backend', { type: 'string', describe: 'Backend (default: the one the run used)' })
      .option('concurrency', { type: 'number', describe: 'Tasks at once' })
      .option('max-attempts', { type: 'number', default: 2, describe: 'Further attempts per chunk' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { retryRun } = await import('../jobs/sweep.js');
    const r = await retryRun(args.run, { backend: args.backend, concurrency: args.concurrency, maxAttempts: args['max-attempts'], quiet: args.json });
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else console.log(r.summary);
    if (r.exitCode) process.exitCode = r.exitCode;
  },
};
