import type { CommandModule } from 'yargs';

interface GatherArgs {
  run: string;
  json: boolean;
}

export const gatherCommand: CommandModule<object, GatherArgs> = {
  command: 'gather <run>',
  describe: 'Merge the verified chunk outputs into <run>/dataset.arrow, ordered by sample',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { gather } = await import('../store/gather.js');
    const { RunDir } = await import('../store/run-dir.js');
    const r = gather(new RunDir(args.run));
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`${r.path}: ${r.rows} samples, ${r.columns.length} columns, ${r.diverged} diverged`);
  },
};
