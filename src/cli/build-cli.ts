import yargs, { type Argv, type CommandModule } from 'yargs';
import { commands } from './commands.js';
import { version } from '../version.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

/**
 * The yargs configuration of `hpcinv`: its commands, strict parsing (unknown commands and flags are
 * errors), help and completion. main.ts adds the failure handling and runs it; test/docs parses every
 * documented command line with the very same configuration (see parseOnlyCommands).
 */
export function buildCli(argv: string[], mods: AnyCommand[] = commands): Argv {
  return yargs(argv)
    .scriptName('hpcinv')
    .version(version)
    .usage('$0 <command> [options]\n\nSimulation-based inference for whole-brain models on HPC systems.')
    .command(mods)
    .demandCommand(1, 'Name a command; `hpcinv --help` lists them.')
    .completion('completion', 'Print a bash/zsh completion script (source it from your shell rc).')
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100));
}

/**
 * The commands with handlers that do nothing, so that a command line is parsed and validated exactly
 * as `hpcinv` would (command names, flags, choices, required arguments) without running anything.
 */
export function parseOnlyCommands(mods: AnyCommand[] = commands): AnyCommand[] {
  return mods.map((m) => ({ ...m, handler: () => {} }));
}
