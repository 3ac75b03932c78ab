import type { CommandModule } from 'yargs';

interface TaskArgs {
  run: string;
  chunk: number[];
  attempt: number;
  'job-id'?: string;
}

/** The one entry point every backend runs (local processes, SLURM array elements, UNICORE jobs). */
export const taskCommand: CommandModule<object, TaskArgs> = {
  command: 'task <run>',
  describe: 'Simulate chunks of a run and write their outputs (what every backend runs on a worker)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory' })
      .option('chunk', { type: 'number', array: true, demandOption: true, describe: 'Chunk id(s); repeat for several' })
      .option('attempt', { type: 'number', default: 1, describe: 'Attempt number (recorded in the outputs)' })
      .option('job-id', { type: 'string', describe: 'Backend job id (default: $HPCINV_JOB_ID, $SLURM_ARRAY_JOB_ID_$SLURM_ARRAY_TASK_ID, or local-<pid>)' }),
  handler: async (args) => {
    const { runTask } = await import('../task/run-task.js');
    const results = await runTask({ runDir: args.run, chunks: args.chunk, attempt: args.attempt, jobId: args['job-id'] });
    for (const r of results) {
      console.log(`chunk ${r.chunk}: ${r.rows} simulations (${r.diverged} diverged) in ${r.computeSeconds.toFixed(2)} s`);
    }
  },
};
