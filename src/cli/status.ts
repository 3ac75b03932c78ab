import type { CommandModule } from 'yargs';

interface StatusArgs {
  run: string;
  chunks: boolean;
  live: boolean;
  json: boolean;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: 'Show which chunks are done, running, failed or missing (from the run directory\'s files; --live also asks the backend)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('chunks', { type: 'boolean', default: false, describe: 'List every chunk that is not done' })
      .option('live', {
        type: 'boolean',
        default: false,
        describe: 'Also ask the backend (one batched query) for the state of every in-flight job, to show why a chunk is not done yet',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the full status as JSON' }),
  handler: async (args) => {
    const { runReport } = await import('../store/run-status.js');
    const { RunDir } = await import('../store/run-dir.js');
    const { liveRunReport } = await import('../jobs/live-status.js');
    const r = args.live ? await liveRunReport(args.run) : { ...runReport(new RunDir(args.run)), live: undefined };
    const unanswered = (r.live ?? []).filter((q) => q.error);
    if (unanswered.length) process.exitCode = 3;
    if (args.json) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    const c = r.counts;
    console.log(`${r.run}: ${r.samplesDone}/${r.nSamples} simulations done (${r.diverged} diverged)`);
    console.log(`chunks: ${c.done} done, ${c.running} running, ${c.failed} failed, ${c.corrupt} corrupt, ${c.missing} missing of ${r.chunks.length}`);
    if (r.live) {
      const byState = new Map<string, number>();
      for (const ch of r.chunks) if (ch.backendState) byState.set(ch.backendState, (byState.get(ch.backendState) ?? 0) + 1);
      const asked = r.live.filter((q) => !q.error).map((q) => q.backend);
      if (asked.length) console.log(`in flight per ${asked.join(', ')}: ${[...byState].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);
      for (const q of unanswered) {
        console.error(`could not ask ${q.backend} about ${q.jobs} job(s): ${q.error} — fix: check the connection and credentials; \`hpcinv status ${args.run}\` without --live reads only the files`);
      }
    }
    if (r.cancelRequested) console.log('cancel requested (the next submit clears it)');
    if (r.gathered) console.log('dataset.arrow gathered');
    if (args.chunks) {
      for (const ch of r.chunks.filter((x) => x.status !== 'done')) {
        const why = ch.why ?? ch.detail;
        console.log(`  chunk ${ch.chunk} [${ch.start},${ch.end}) ${ch.status}, ${ch.attempts} attempt(s)${ch.last?.jobId ? `, job ${ch.last.jobId}` : ''}${ch.backendState ? ` (${ch.backendState})` : ''}${why ? `: ${why}` : ''}`);
      }
    }
    if (c.failed + c.corrupt + c.missing > 0 && c.running === 0) console.log(`next: hpcinv retry ${args.run}`);
    else if (c.done === r.chunks.length && !r.gathered) console.log(`next: hpcinv gather ${args.run}`);
  },
};
