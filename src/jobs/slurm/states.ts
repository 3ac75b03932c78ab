import type { JobState } from '../backend.js';

/**
 * SLURM job states (squeue %T, sacct State) → backend states. Anything not listed is 'unknown', which the
 * lifecycle never treats as a failure on its own.
 */
const STATE_MAP: Readonly<Record<string, JobState>> = {
  PENDING: 'pending',
  CONFIGURING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_FED: 'pending',
  REQUEUE_HOLD: 'pending',
  RESV_DEL_HOLD: 'pending',
  SPECIAL_EXIT: 'pending',
  SUSPENDED: 'pending',
  STOPPED: 'pending',
  RUNNING: 'running',
  COMPLETING: 'running',
  STAGE_OUT: 'running',
  SIGNALING: 'running',
  RESIZING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  BOOT_FAIL: 'failed',
  NODE_FAIL: 'failed',
  OUT_OF_MEMORY: 'failed',
  DEADLINE: 'failed',
  REVOKED: 'cancelled',
  CANCELLED: 'cancelled',
  TIMEOUT: 'timeout',
  PREEMPTED: 'preempted',
};

export function mapSlurmState(raw: string): JobState {
  // sacct writes "CANCELLED by 1000"; squeue abbreviations are not used with %T.
  const word = raw.trim().split(/\s+/)[0]?.replace(/\+$/, '') ?? '';
  return STATE_MAP[word] ?? 'unknown';
}

/** Expand `123_[0-3,7%2]` (a pending array's collapsed record) or `123_5` into task ids. */
export function expandTaskIds(id: string): string[] {
  const m = /^(\d+)_\[([^\]]+)\]$/.exec(id);
  if (!m) return [id];
  const [, arrayId, body] = m;
  const ids: string[] = [];
  for (const part of body!.split('%')[0]!.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) continue;
    for (let i = lo; i <= (hi ?? lo); i++) ids.push(`${arrayId}_${i}`);
  }
  return ids;
}

/**
 * Parse `|`-separated lines whose first field is a job id and second a state (squeue `-o '%i|%T'`,
 * sacct `-P -o JobID,State`). Later lines win: sacct lists a requeued job once per run, newest last.
 */
export function parseStateLines(text: string): Map<string, JobState> {
  const states = new Map<string, JobState>();
  for (const line of text.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (!id || state === undefined) continue;
    for (const task of expandTaskIds(id)) states.set(task, mapSlurmState(state));
  }
  return states;
}

/**
 * The state of element `A_i`: its own record, else a record of the whole array `A` (squeue and sacct
 * print a bare `A` for array elements that never started, e.g. all cancelled while pending).
 */
export function stateOfTask(states: ReadonlyMap<string, JobState>, taskId: string): JobState | undefined {
  return states.get(taskId) ?? states.get(taskId.split('_')[0]!);
}
