import type { CommandModule } from 'yargs';

interface InitArgs {
  file: string;
  force: boolean;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init [file]',
  describe: 'Write a commented starter experiment (global coupling G on connectivity_68, MPR, BOLD, FC/FCD)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', default: 'experiment.yaml', describe: 'Where to write it' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' })
      .example('$0 init study.yaml && $0 sample study.yaml runs/g1', ''),
  handler: async (args) => {
    const { writeStarter } = await import('../experiment/starter.js');
    writeStarter(args.file, args.force);
    console.log(`wrote ${args.file} — next: hpcinv sample ${args.file} <run-dir>`);
  },
};
