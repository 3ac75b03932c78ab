import type { CommandModule } from 'yargs';

interface LogsArgs {
  run: string;
  chunk: number;
  attempt?: number;
  path: boolean;
}

export const logsCommand: CommandModule<object, LogsArgs> = {
  command: 'logs <run> <chunk>',
  describe: 'Print the log of a chunk\'s last (or given) attempt',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .positional('chunk', { type: 'number', demandOption: true, describe: 'Chunk id (see hpcinv status --chunks)' })
      .option('attempt', { type: 'number', describe: 'Attempt number (default: the last)' })
      .option('path', { type: 'boolean', default: false, describe: 'Print only the log file\'s path' }),
  handler: async (args) => {
    const { chunkLog } = await import('../jobs/sweep.js');
    const r = chunkLog(args.run, args.chunk, args.attempt);
    if (args.path) console.log(r.path);
    else process.stdout.write(r.text);
  },
};
