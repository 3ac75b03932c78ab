import type { CommandModule } from 'yargs';

interface CancelArgs {
  run: string;
  json: boolean;
}

export const cancelCommand: CommandModule<object, CancelArgs> = {
  command: 'cancel <run>',
  describe: 'Stop a sweep: ask its orchestrator to stop and cancel the backend jobs still running',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { cancelRun } = await import('../jobs/sweep.js');
    const r = await cancelRun(args.run);
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`cancelled ${r.jobs.length} job(s)${r.jobs.length ? `: ${r.jobs.join(' ')}` : ''} — resume later with hpcinv submit ${args.run}`);
  },
};
