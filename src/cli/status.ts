import type { CommandModule } from 'yargs';

interface StatusArgs {
  run: string;
  chunks: boolean;
  json: boolean;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: 'Show which chunks are done, running, failed or missing (from the run directory\'s files)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('chunks', { type: 'boolean', default: false, describe: 'List every chunk that is not done' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the full status as JSON' }),
  handler: async (args) => {
    const { runReport } = await import('../store/run-status.js');
    const { RunDir } = await import('../store/run-dir.js');
    const r = runReport(new RunDir(args.run));
    if (args.json) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    const c = r.counts;
    console.log(`${r.run}: ${r.samplesDone}/${r.nSamples} simulations done (${r.diverged} diverged)`);
    console.log(`chunks: ${c.done} done, ${c.running} running, ${c.failed} failed, ${c.corrupt} corrupt, ${c.missing} missing of ${r.chunks.length}`);
    if (r.cancelRequested) console.log('cancel requested (the next submit clears it)');
    if (r.gathered) console.log('dataset.arrow gathered');
    if (args.chunks) {
      for (const ch of r.chunks.filter((x) => x.status !== 'done')) {
        console.log(`  chunk ${ch.chunk} [${ch.start},${ch.end}) ${ch.status}, ${ch.attempts} attempt(s)${ch.last?.jobId ? `, job ${ch.last.jobId}` : ''}${ch.detail ? `: ${ch.detail}` : ''}`);
      }
    }
    if (c.failed + c.corrupt + c.missing > 0 && c.running === 0) console.log(`next: hpcinv retry ${args.run}`);
    else if (c.done === r.chunks.length && !r.gathered) console.log(`next: hpcinv gather ${args.run}`);
  },
};
