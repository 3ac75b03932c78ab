import type { CommandModule } from 'yargs';

interface RunArgs {
  experiment: string;
  run?: string;
  backend?: string;
  concurrency?: number;
  'chunk-size'?: number;
  truth: string[];
  'observation-seed'?: number;
  samples: number;
  flow: string;
  'max-epochs'?: number;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <experiment>',
  describe: 'The whole workflow: sample → simulate → gather → train → infer on a synthetic observation with known ground truth → report; resumes whatever is already done',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment YAML (e.g. templates/experiments/example.yaml)' })
      .option('run', { type: 'string', describe: 'Run directory (default runs/<experiment file name>); rerun with the same one to resume' })
      .option('backend', { type: 'string', describe: 'local (default), slurm or unicore; default: the experiment\'s backend.name' })
      .option('concurrency', { type: 'number', describe: 'Simulation tasks at once (local default: cores)' })
      .option('chunk-size', { type: 'number', describe: 'Simulations per chunk (default: sized from sweep.targetTaskMinutes)' })
      .option('truth', { type: 'string', array: true, default: [], describe: 'Ground truth of the synthetic observation, path=value (e.g. coupling.a=0.8); parameters not given are drawn from the prior' })
      .option('observation-seed', { type: 'number', describe: 'Seed of the ground-truth draw and the observation\'s noise (default simulations.seed + 1)' })
      .option('samples', { type: 'number', default: 10000, describe: 'Posterior samples' })
      .option('flow', { choices: ['maf', 'nsf'], default: 'maf', describe: 'Density estimator' })
      .option('max-epochs', { type: 'number', describe: 'Cap on training epochs (default: early stopping only)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .example('$0 run templates/experiments/example.yaml --run runs/example', 'the bundled example (a few minutes on 2 cores)'),
  handler: async (args) => {
    const { basename, extname, join } = await import('node:path');
    const { InputError } = await import('../errors.js');
    const { runPipeline } = await import('../run/pipeline.js');
    const { summaryLines } = await import('../run/posterior-summary.js');
    const truth: Record<string, number> = {};
    for (const t of args.truth) {
      const eq = t.indexOf('=');
      const v = Number(t.slice(eq + 1));
      if (eq <= 0 || t.slice(eq + 1).trim() === '' || !Number.isFinite(v)) throw new InputError(`--truth '${t}' is not path=number — fix: e.g. --truth coupling.a=0.8`);
      truth[t.slice(0, eq)] = v;
    }
    if (!Number.isInteger(args.samples) || args.samples < 2) throw new InputError(`--samples ${args.samples} is not a whole number ≥ 2 — fix: e.g. --samples 10000`);
    const seed = args['observation-seed'];
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) throw new InputError(`--observation-seed ${seed} is not a whole number in [0, 2^32) — fix: e.g. --observation-seed 7`);
    const log = args.json ? () => {} : (l: string) => process.stderr.write(`${l}\n`);
    const r = await runPipeline({
      experiment: args.experiment,
      run: args.run ?? join('runs', basename(args.experiment, extname(args.experiment))),
      backend: args.backend,
      concurrency: args.concurrency,
      chunkSize: args['chunk-size'],
      truth,
      seed,
      posteriorSamples: args.samples,
      train: { flow: { kind: args.flow as 'maf' | 'nsf' }, maxEpochs: args['max-epochs'] },
      quiet: args.json,
      log,
    });
    if (args.json) {
      console.log(JSON.stringify({ run: r.run, report: r.report, samplesFile: r.samplesFile, simulations: r.simulations, stages: r.stages, seconds: r.seconds, truth: r.observation.theta, posterior: r.posterior }, null, 2));
      return;
    }
    const skipped = Object.entries(r.stages).filter(([, s]) => s === 'skipped').map(([k]) => k);
    console.log(`run: ${r.run} (${r.simulations} simulations${skipped.length ? `; already done: ${skipped.join(', ')}` : ''}; ${r.seconds.total.toFixed(0)} s)`);
    console.log(`report: ${r.report}`);
    console.log('posterior given the synthetic observation:');
    for (const line of summaryLines(r.posterior)) console.log(`  ${line}`);
  },
};
