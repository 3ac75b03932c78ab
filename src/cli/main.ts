#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { buildCli } from './build-cli.js';
import { HpcinvError } from '../errors.js';

/** Exit codes: 0 ok, 1 failure of the work itself, 2 bad usage or bad input, 3 backend/scheduler error. */
export async function main(argv: string[]): Promise<void> {
  const cli = buildCli(argv)
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
