import type { CommandModule } from 'yargs';
import { InputError } from '../errors.js';

interface SimulateArgs {
  experiment: string;
  output?: string;
  monitor?: string;
  set: string[];
  vary?: string;
  repeats: number;
  json: boolean;
}

function parseAssignment(s: string, flag: string): [string, string] {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new InputError(`${flag} '${s}' is not path=value — fix: e.g. ${flag} coupling.a=0.5`);
  return [s.slice(0, eq), s.slice(eq + 1)];
}

function parseNumber(s: string, what: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new InputError(`${what}: '${s}' is not a number — fix: give a plain number`);
  return v;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate <experiment>',
  describe: 'Run the experiment\'s simulation (or a small batch) and write one monitor as Arrow, or CSV if -o ends in .csv',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment YAML (its simulation sections are used)' })
      .option('output', { alias: 'o', type: 'string', describe: 'Output file: .csv → CSV (t,r0..,V0..), otherwise Arrow' })
      .option('monitor', { alias: 'm', type: 'string', choices: ['tavg', 'raw', 'bold', 'balloon'], describe: 'Monitor to write (default: the first of tavg, raw, bold, balloon recorded)' })
      .option('set', { type: 'string', array: true, default: [], describe: 'Override a parameter for all simulations: path=value (e.g. coupling.a=0.5, model.eta[3]=-4)' })
      .option('vary', { type: 'string', describe: 'One simulation per value, in one batch: path=v1,v2,… (e.g. coupling.a=0.2,0.4,0.6)' })
      .option('repeats', { type: 'number', default: 1, describe: 'Simulations per parameter set, seeds integrator.seed, +1, …' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the summary as JSON' }),
  handler: async (args) => {
    const run = await import('../experiment/simulation-run.js');
    const set = Object.fromEntries(args.set.map((s) => parseAssignment(s, '--set')).map(([p, v]) => [p, parseNumber(v, `--set ${p}`)]));
    let vary: { path: string; values: number[] } | undefined;
    if (args.vary !== undefined) {
      const [path, list] = parseAssignment(args.vary, '--vary');
      vary = { path, values: list.split(',').map((v) => parseNumber(v, `--vary ${path}`)) };
    }
    if (!Number.isInteger(args.repeats) || args.repeats < 1) throw new InputError(`--repeats ${args.repeats} is not a whole number ≥ 1 — fix: e.g. --repeats 4`);
    const recorded = run.recordedMonitors(run.readSimulationSection(args.experiment));
    const monitor = (args.monitor as (typeof recorded)[number] | undefined) ?? recorded[0];
    if (!recorded.includes(monitor)) throw new InputError(`the experiment does not record the ${monitor} monitor — fix: add it under monitors: or pick one of ${recorded.join(', ')}`);
    const sim = run.simulateExperiment(args.experiment, { set, vary, repeats: args.repeats, keep: [monitor] });
    let rows = 0;
    if (args.output) {
      const table = run.monitorTable(sim, monitor);
      rows = table.columns[0].length;
      run.writeMonitorTable(args.output, table);
    }
    const summary = {
      output: args.output ?? null,
      monitor,
      rows,
      regions: sim.labels.length,
      steps: sim.steps,
      wallSeconds: sim.wallSeconds,
      microsecondsPerStepPerSimulation: (sim.wallSeconds * 1e6) / sim.steps / sim.records.length,
      simulations: sim.records,
    };
    if (args.json) console.log(JSON.stringify(summary, null, 2));
    else {
      for (const r of sim.records) {
        const p = Object.entries(r.parameters).map(([k, v]) => `${k}=${v}`).join(' ');
        console.log(`sim ${r.index}: seed ${r.seed}${p ? ` ${p}` : ''}${r.diverged ? ` DIVERGED at t=${r.divergedAt}` : ''}`);
      }
      console.log(`${sim.records.length} simulation(s), ${sim.steps} steps in ${sim.wallSeconds.toFixed(2)} s${args.output ? `; wrote ${rows} rows of ${monitor} to ${args.output}` : ' (no -o: nothing written)'}`);
    }
    if (sim.records.some((r) => r.diverged)) process.exitCode = 1;
  },
};
