import type { CommandModule } from 'yargs';

interface RunArgs {
  experiment: string;
  run?: string;
  backend?: string;
  concurrency?: number;
  'chunk-size'?: number;
  truth: string[];
  observed?: string[];
  'observation-seed'?: number;
  samples: number;
  flow: string;
  'max-epochs'?: number;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <experiment>',
  describe: 'The whole workflow: sample → simulate → gather → train → infer → report, on a synthetic observation with known ground truth or on empirical BOLD (the experiment\'s observation section, or --truth / --observed); resumes whatever is already done',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment YAML (e.g. templates/experiments/example.yaml)' })
      .option('run', { type: 'string', describe: 'Run directory (default runs/<experiment file name>); rerun with the same one to resume' })
      .option('backend', { type: 'string', describe: 'local (default), slurm or unicore; default: the experiment\'s backend.name' })
      .option('concurrency', { type: 'number', describe: 'Simulation tasks at once (local default: cores)' })
      .option('chunk-size', { type: 'number', describe: 'Simulations per chunk (default: sized from sweep.targetTaskMinutes)' })
      .option('truth', { type: 'string', array: true, default: [], describe: 'Ground truth of a synthetic observation, path=value (e.g. coupling.a=0.8), over observation.truth; parameters not given are drawn from the prior' })
      .option('observed', { type: 'string', array: true, describe: 'Empirical BOLD files, one per subject (.npy, .arrow, .csv, .tsv; docs/observed-data.md), instead of observation.files: one posterior per subject, no ground truth' })
      .option('observation-seed', { type: 'number', describe: 'Seed of the ground-truth draw and the observation\'s noise, or of the subjects\' posterior draws (subject k: seed + k); default observation.seed, else simulations.seed + 1' })
      .option('samples', { type: 'number', default: 10000, describe: 'Posterior samples' })
      .option('flow', { choices: ['maf', 'nsf'], default: 'maf', describe: 'Density estimator' })
      .option('max-epochs', { type: 'number', describe: 'Cap on training epochs (default: early stopping only)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .example('$0 run templates/experiments/example.yaml --run runs/example', 'the bundled example (a few minutes on 2 cores)')
      .example('$0 run templates/experiments/example.yaml --run runs/example --observed sub-01.csv sub-02.csv', 'the same trained model, for two subjects\' BOLD'),
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
      observed: args.observed,
      seed,
      posteriorSamples: args.samples,
      train: { flow: { kind: args.flow as 'maf' | 'nsf' }, maxEpochs: args['max-epochs'] },
      quiet: args.json,
      log,
    });
    const common = { run: r.run, report: r.report, samplesFile: r.samplesFile, simulations: r.simulations, stages: r.stages, seconds: r.seconds };
    if (args.json) {
      const out =
        r.kind === 'synthetic'
          ? { ...common, observation: { kind: 'synthetic', seed: r.observation.seed, drawn: r.observation.drawn }, truth: r.observation.theta, posterior: r.posterior }
          : { ...common, observation: { kind: 'files', seed: r.observation.seed, files: r.observation.subjects.map((s) => s.file) }, subjects: r.subjects };
      console.log(JSON.stringify(out, null, 2));
      return;
    }
    const skipped = Object.entries(r.stages).filter(([, s]) => s === 'skipped').map(([k]) => k);
    console.log(`run: ${r.run} (${r.simulations} simulations${skipped.length ? `; already done: ${skipped.join(', ')}` : ''}; ${r.seconds.total.toFixed(0)} s)`);
    console.log(`report: ${r.report}`);
    if (r.kind === 'synthetic') {
      console.log('posterior given the synthetic observation:');
      for (const line of summaryLines(r.posterior)) console.log(`  ${line}`);
      return;
    }
    console.log(`posterior per subject (empirical BOLD: no ground truth, so no coverage check; samples in ${r.samplesFile}):`);
    for (const s of r.subjects) for (const line of summaryLines(s.posterior)) console.log(`  ${s.subject}  ${line}`);
  },
};
