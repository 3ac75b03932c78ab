import type { CommandModule } from 'yargs';

interface ValidateArgs {
  experiment: string;
  study: string;
  budgets: string[];
  features: string[];
  test: number;
  samples: number;
  seed: number;
  backend?: string;
  concurrency?: number;
  'chunk-size'?: number;
  'max-epochs'?: number;
  ppc: number;
  'ppc-samples': number;
  json: boolean;
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <experiment> <study>',
  describe: 'Validation study: simulate once, train one posterior per (budget, feature set), evaluate on held-out simulations, write the report',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment file (simulations.design: prior)' })
      .positional('study', { type: 'string', demandOption: true, describe: 'Study directory (created; rerun to resume)' })
      .option('budgets', { type: 'string', array: true, demandOption: true, describe: 'Simulation budgets, e.g. 100,300,1000 (nested subsets of one simulated pool)' })
      .option('features', { type: 'string', array: true, demandOption: true, describe: 'Feature sets, one per argument, features joined by +: fc_sum fcd_sum fc_sum+fcd_sum' })
      .option('test', { type: 'number', default: 100, describe: 'Held-out simulations with known θ' })
      .option('samples', { type: 'number', default: 1000, describe: 'Posterior samples per held-out case' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of training and posterior sampling' })
      .option('backend', { type: 'string', describe: 'local, slurm or unicore; default: the experiment\'s backend.name' })
      .option('concurrency', { type: 'number', describe: 'Simulation tasks at once' })
      .option('chunk-size', { type: 'number', describe: 'Simulations per chunk' })
      .option('max-epochs', { type: 'number', describe: 'Cap on training epochs per posterior (default: early stopping only)' })
      .option('ppc', { type: 'number', default: 0, describe: 'Posterior predictive checks on this many held-out cases (simulates in this process)' })
      .option('ppc-samples', { type: 'number', default: 20, describe: 'Simulations per predictive check' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the headline numbers as JSON' }),
  handler: async (args) => {
    const { runValidation } = await import('../validate/run-study.js');
    const { parseBudgets } = await import('../validate/study-options.js');
    const { compactSummary, summaryLines } = await import('../validate/compact.js');
    const r = await runValidation({
      experiment: args.experiment,
      study: args.study,
      budgets: parseBudgets(args.budgets),
      featureSets: args.features,
      test: args.test,
      posteriorSamples: args.samples,
      seed: args.seed,
      backend: args.backend,
      concurrency: args.concurrency,
      chunkSize: args['chunk-size'],
      ...(args['max-epochs'] !== undefined ? { train: { maxEpochs: args['max-epochs'] } } : {}),
      ppcCases: args.ppc,
      ppcSamples: args['ppc-samples'],
      quiet: args.json,
    });
    if (args.json) {
      console.log(JSON.stringify({ study: r.study, report: r.report, summaryFile: r.summaryFile, seconds: r.seconds, ...compactSummary(r.summary) }, null, 2));
    } else {
      for (const line of summaryLines(r.summary)) console.log(line);
      console.log(`report: ${r.report} (study took ${r.seconds.total.toFixed(0)} s)`);
    }
  },
};
