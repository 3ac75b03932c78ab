import type { CommandModule } from 'yargs';

interface SampleArgs {
  experiment: string;
  run: string;
  json: boolean;
}

export const sampleCommand: CommandModule<object, SampleArgs> = {
  command: 'sample <experiment> <run>',
  describe: 'Validate the experiment, create the run directory and draw θ into <run>/theta.arrow',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment YAML' })
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory to create' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { createRun } = await import('../experiment/create-run.js');
    const r = createRun(args.experiment, args.run);
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`${r.created ? 'created' : 'unchanged'} ${r.run}: ${r.samples} samples of ${r.parameters.join(', ')} (${r.design}) — next: hpcinv submit ${args.run}`);
  },
};
