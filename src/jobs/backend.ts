/**
 * The one executor abstraction (after submitit): the lifecycle in `lifecycle.ts` is generic, and each
 * scheduler fills these few hooks. Transport (local exec, SSH) is separate from the backend.
 *
 * Contract shared by the local, SLURM and UNICORE backends — extend additively.
 */

/** A contiguous range of samples [start, end) simulated by one `hpcinv task` call. */
export interface Chunk {
  id: number;
  start: number;
  end: number;
}

/** One attempt at running one chunk. */
export interface ChunkAttempt {
  chunk: number;
  attempt: number;
}

/** What a backend reports for one of its jobs; files (done-markers) decide completion, not this. */
export type JobState =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'timeout'
  | 'preempted'
  | 'unknown';

/** A backend job that carries one or more chunk attempts (e.g. one SLURM array element). */
export interface SubmittedTask {
  /** Backend id of this element, e.g. SLURM `1234_7`, a UNICORE job URL, a local pid-based id. */
  jobId: string;
  attempts: ChunkAttempt[];
  /** Where this task's log is, relative to the run directory (predictable, named by job and task id). */
  log: string;
}

export interface Backend {
  readonly name: string;
  /** Make the run's inputs (frozen experiment, θ, plan, connectome, simulator) visible where tasks run. */
  stageIn(runDir: string): Promise<void>;
  /** Launch the given chunk attempts; resolves once the backend has accepted them (not when they finish). */
  submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]>;
  /** One batched state query for many jobs; jobs not known (yet) map to 'unknown', never to 'failed'. */
  poll(runDir: string, jobIds: string[]): Promise<Map<string, JobState>>;
  /** Bring finished chunk outputs (Arrow + done-marker) into `runDir/chunks`; no-op on a shared file system. */
  stageOut(runDir: string, chunks: number[]): Promise<void>;
  cancel(runDir: string, jobIds: string[]): Promise<void>;
  /** Release connections and child processes. */
  close(): Promise<void>;
}

/**
 * Optional tuning a backend may declare (additive; the lifecycle has defaults for each).
 * `Backend & BackendHints` is what the lifecycle accepts.
 */
export interface BackendHints {
  /** How long a job may stay 'unknown' (not in the queue, not in accounting) before it is declared lost. Default 10 min. */
  readonly lostGraceMs?: number;
  /** How long after a job reports 'completed' the done-marker may still be missing (slow shared FS). Default 60 s. */
  readonly completionGraceMs?: number;
  /** Longest interval between two polls; the lifecycle starts fast and backs off to this. Default 30 s. */
  readonly maxPollIntervalMs?: number;
  /** For `submit --dry-run`: exactly what would be submitted (job scripts, commands), submitting nothing. */
  describe?(runDir: string, attempts: ChunkAttempt[]): Promise<string>;
}
