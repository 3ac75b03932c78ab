#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands.js';
import { version } from '../version.js';
import { HpcinvError } from '../errors.js';

/** Exit codes: 0 ok, 1 failure of the work itself, 2 bad usage or bad input, 3 backend/scheduler error. */
export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('hpcinv')
    .version(version)
    .usage('$0 <command> [options]\n\nSimulation-based inference for whole-brain models on HPC systems.')
    .command(commands)
    .demandCommand(1, 'Name a command; `hpcinv --help` lists them.')
    .completion('completion', 'Print a bash/zsh completion script (source it from your shell rc).')
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`${msg}\n\nRun \`hpcinv --help\` for usage.`);
      process.exit(2);
    });
  await cli.parseAsync();
}

main(hideBin(process.argv)).catch((err: unknown) => {
  if (err instanceof HpcinvError) {
    console.error(`hpcinv: ${err.message}`);
    process.exit(err.exitCode);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
