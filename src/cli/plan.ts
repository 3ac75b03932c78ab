import type { CommandModule } from 'yargs';

interface PlanArgs {
  experiment: string;
  backend?: string;
  site?: string;
  concurrency?: number;
  'chunk-size'?: number;
  budget?: number;
  speedup: number;
  json: boolean;
}

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan <experiment>',
  describe: 'Estimate the cost of an experiment before submitting: times a few simulations here, extrapolates core-hours, proposes a chunk size, checks the site budget',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment YAML' })
      .option('backend', { type: 'string', describe: 'local, slurm or unicore (default: the experiment\'s backend.name)' })
      .option('site', { type: 'string', describe: 'Site profile (name or YAML path) with cpusPerTask, maxConcurrent and budget (default: backend.site / HPCINV_SITE)' })
      .option('concurrency', { type: 'number', describe: 'Tasks at once, for the wall-time estimate' })
      .option('chunk-size', { type: 'number', describe: 'Simulations per chunk (default: sized from sweep.targetTaskMinutes)' })
      .option('budget', { type: 'number', describe: 'Core-hour budget to check against (overrides the site profile\'s budget.coreHours)' })
      .option('speedup', { type: 'number', default: 1, describe: 'Compute-node speed relative to this machine (e.g. 1.5)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the estimate as JSON' }),
  handler: async (args) => {
    const { InputError } = await import('../errors.js');
    if (!(args.speedup > 0)) throw new InputError(`--speedup ${args.speedup} must be > 0 — fix: e.g. --speedup 1.5 for nodes 1.5× faster than this machine`);
    if (args.budget !== undefined && !(args.budget > 0)) throw new InputError(`--budget ${args.budget} must be > 0 core-hours — fix: e.g. --budget 5000`);
    const { planExperiment } = await import('../planning/plan-experiment.js');
    const { costTable } = await import('../planning/estimate.js');
    const { estimate, context } = await planExperiment(args.experiment, {
      backend: args.backend,
      site: args.site,
      concurrency: args.concurrency,
      chunkSize: args['chunk-size'],
      budget: args.budget,
      speedup: args.speedup,
    });
    if (args.json) console.log(JSON.stringify({ ...estimate, ...context }, null, 2));
    else console.log(costTable(estimate, { backend: context.backend, ...(context.site ? { site: context.site } : {}), 'cores per task': String(context.coresPerTask), concurrency: String(context.concurrency) }));
    if (!estimate.withinBudget) {
      process.stderr.write(`the sweep needs ${estimate.coreHours.toFixed(1)} core-hours, more than the budget of ${estimate.budgetCoreHours} — fix: fewer simulations (simulations.count), a shorter duration, or a larger budget\n`);
      process.exitCode = 1;
    }
  },
};
