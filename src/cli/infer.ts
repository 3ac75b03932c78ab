import type { CommandModule } from 'yargs';

interface InferArgs {
  run: string;
  observed: string[];
  samples: number;
  seed: number;
  map: boolean;
  out?: string;
  json: boolean;
}

export const inferCommand: CommandModule<object, InferArgs> = {
  command: 'infer <run>',
  describe: 'Sample the trained posterior for observed features; writes the samples as Arrow and prints a summary',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory (with model/) or model directory' })
      .option('observed', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Observed features (JSON {name: value} or a one-row CSV with a header), or empirical BOLD files, one per subject (.npy, .arrow, .csv, .tsv; docs/observed-data.md)',
      })
      .option('samples', { type: 'number', default: 10000, describe: 'Posterior samples to draw' })
      .option('seed', { type: 'number', default: 0, describe: 'Sampling seed' })
      .option('map', { type: 'boolean', default: false, describe: 'Also compute the MAP estimate' })
      .option('out', { type: 'string', describe: 'Samples file (default <run>/posterior_samples.arrow)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { isFeatureFile } = await import('../observed/kind.js');
    if (args.observed.length > 1 || !isFeatureFile(args.observed[0]!)) {
      const { inferSubjectsCommand } = await import('../observed/infer-command.js');
      return inferSubjectsCommand(args.run, args.observed, { samples: args.samples, seed: args.seed, out: args.out, json: args.json });
    }
    const { inferRun } = await import('../inference/run-commands.js');
    const r = await inferRun(args.run, { observed: args.observed[0]!, samples: args.samples, seed: args.seed, map: args.map, out: args.out });
    if (args.json) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    console.log(`${r.samples} posterior samples (acceptance ${(100 * r.acceptance).toFixed(1)}%, ${r.seconds.toFixed(2)} s) → ${r.samplesFile}`);
    for (const s of r.summary) {
      const map = r.map ? `  MAP ${r.map[s.parameter]!.toPrecision(5)}` : '';
      console.log(`${s.parameter}: mean ${s.mean.toPrecision(5)} sd ${s.sd.toPrecision(3)}  90% [${s.q05.toPrecision(5)}, ${s.q95.toPrecision(5)}]${map}`);
    }
  },
};
