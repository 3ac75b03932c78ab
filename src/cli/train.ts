import type { CommandModule } from 'yargs';

interface TrainArgs {
  run: string;
  flow: string;
  hidden?: number;
  transforms?: number;
  bins?: number;
  embedding?: string;
  'learning-rate'?: number;
  'batch-size'?: number;
  'max-epochs'?: number;
  'stop-after-epochs'?: number;
  seed: number;
  out?: string;
  json: boolean;
}

/** "64,64:16" → hidden layers [64, 64], 16 outputs. */
function parseEmbedding(s: string | undefined): { hidden: number[]; out: number } | undefined {
  if (!s) return undefined;
  const m = /^([0-9]+(?:,[0-9]+)*)?:([0-9]+)$/.exec(s.trim());
  if (!m) throw new Error(`--embedding ${s} is not of the form HIDDEN,...:OUT (e.g. 64,64:16)`);
  return { hidden: m[1] ? m[1].split(',').map(Number) : [], out: Number(m[2]) };
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train <run>',
  describe: "Train a neural posterior estimator (normalizing flow, sbi's NPE defaults) on <run>/dataset.arrow; writes <run>/model",
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory with dataset.arrow' })
      .option('flow', { choices: ['maf', 'nsf'], default: 'maf', describe: 'Density estimator' })
      .option('hidden', { type: 'number', describe: 'Hidden units per layer (default 50)' })
      .option('transforms', { type: 'number', describe: 'Flow transforms (default 5)' })
      .option('bins', { type: 'number', describe: 'NSF spline bins (default 10)' })
      .option('embedding', { type: 'string', describe: 'Feature embedding MLP, HIDDEN,...:OUT (e.g. 64,64:16)' })
      .option('learning-rate', { type: 'number', describe: 'Adam learning rate (default 5e-4)' })
      .option('batch-size', { type: 'number', describe: 'Minibatch size (default 200)' })
      .option('max-epochs', { type: 'number', describe: 'Epoch cap (default none)' })
      .option('stop-after-epochs', { type: 'number', describe: 'Early-stopping patience (default 20)' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed (split, initialisation, minibatches)' })
      .option('out', { type: 'string', describe: 'Model directory (default <run>/model)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  handler: async (args) => {
    const { trainRun } = await import('../inference/run-commands.js');
    const { InputError } = await import('../errors.js');
    let embedding;
    try {
      embedding = parseEmbedding(args.embedding);
    } catch (e) {
      throw new InputError(`${(e as Error).message} — fix: e.g. --embedding 64,64:16`);
    }
    const tty = process.stderr.isTTY;
    const r = await trainRun(
      args.run,
      {
        flow: { kind: args.flow as 'maf' | 'nsf', hidden: args.hidden, transforms: args.transforms, bins: args.bins, embedding },
        learningRate: args['learning-rate'],
        batchSize: args['batch-size'],
        maxEpochs: args['max-epochs'],
        stopAfterEpochs: args['stop-after-epochs'],
        seed: args.seed,
        out: args.out,
      },
      (p) => {
        const line = `epoch ${p.epoch}: train ${p.trainLoss.toFixed(4)}, validation ${p.validationLoss.toFixed(4)} (best ${p.bestValidationLoss.toFixed(4)}, ${p.epochsSinceImprovement} since) ${p.seconds.toFixed(1)} s`;
        process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      },
    );
    if (tty) process.stderr.write('\n');
    if (args.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`trained ${r.flow} on ${r.simulations} simulations in ${r.seconds.toFixed(1)} s (${r.epochs} epochs, best ${r.bestEpoch}, validation loss ${r.bestValidationLoss.toFixed(4)}) → ${r.model}`);
  },
};
