import type { JobState } from './backend.js';
import { createBackend } from './backends.js';
import { RunDir } from '../store/run-dir.js';
import { runReport, type ChunkReport, type RunReport } from '../store/run-status.js';
import { loadFrozenExperiment } from '../experiment/load.js';

/** One backend asked by `status --live`: how many jobs, and the error if it could not answer. */
export interface LiveQuery {
  backend: string;
  jobs: number;
  error?: string;
}

export interface LiveRunReport extends RunReport {
  live: LiveQuery[];
}

/**
 * `hpcinv status --live`: the files' report, plus the backend's word on every in-flight job — one batched
 * `poll` per backend, the same hook the lifecycle uses — so a chunk that is not done says why (queued,
 * running, finished but not staged out, unknown to the scheduler). Files still decide what is done: the
 * backend state only explains. A backend that cannot answer is reported, not fatal.
 */
export async function liveRunReport(runRoot: string): Promise<LiveRunReport> {
  const run = new RunDir(runRoot);
  const report = runReport(run);
  const settings = loadFrozenExperiment(run).backend;
  const byBackend = new Map<string, ChunkReport[]>();
  for (const ch of report.chunks) {
    if (ch.status !== 'running') continue;
    if (!ch.last?.jobId) {
      ch.why = 'being submitted: the orchestrator has not got a job id from the backend yet';
      continue;
    }
    const list = byBackend.get(ch.last.backend) ?? [];
    list.push(ch);
    byBackend.set(ch.last.backend, list);
  }
  const live: LiveQuery[] = [];
  for (const [name, list] of byBackend) {
    const ids = [...new Set(list.map((ch) => ch.last!.jobId!))];
    try {
      const backend = await createBackend(name, { runDir: run.root, settings });
      try {
        const states = await backend.poll(run.root, ids);
        for (const ch of list) {
          ch.backendState = states.get(ch.last!.jobId!) ?? 'unknown';
          ch.why = explain(ch.backendState, name, run.root, ch.chunk);
        }
      } finally {
        await backend.close();
      }
      live.push({ backend: name, jobs: ids.length });
    } catch (err) {
      live.push({ backend: name, jobs: ids.length, error: (err as Error).message });
    }
  }
  return { ...report, live };
}

function explain(state: JobState, backend: string, run: string, chunk: number): string {
  switch (state) {
    case 'pending':
      return `queued by ${backend}, not started yet`;
    case 'running':
      return 'running; done when its done-marker is written';
    case 'completed':
      return 'job completed, done-marker not there yet (stage-out pending or a slow shared file system); the orchestrator checks it';
    case 'unknown':
      return `not known to ${backend}: not visible to the scheduler yet, waiting in the orchestrator's own queue, or gone (the orchestrator declares it lost after its grace period)`;
    default:
      return `job ${state}; the orchestrator retries it within the attempt cap — see \`hpcinv logs ${run} ${chunk}\``;
  }
}
