import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { nodeProcessAlive } from './process-alive.js';
import type { RunDir } from './run-dir.js';

/** `chunk-000012.arrow.tmp-4711` / `chunk-000012.done.json.tmp-4711`, as `writeFileAtomic` names them. */
const CHUNK_TEMP = /^chunk-(\d+)\.(?:arrow|done\.json)\.tmp-(\d+)$/;

/**
 * Remove the temp files that tasks killed mid-write left in `chunks/`. A temp file is removed only when
 * both hold: its chunk has no attempt in flight (`idle` — so no task of this run can still be writing
 * it, whatever host it runs on: on a shared file system the pid alone says nothing), and its writer's
 * pid is not a live Node process on this host (a guard for local tasks and for a caller that got
 * `idle` wrong). Our own pid is never touched. Returns the names removed.
 */
export function removeStaleChunkTemps(run: RunDir, idle: (chunk: number) => boolean, alive: (pid: number) => boolean = nodeProcessAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(run.chunksDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = CHUNK_TEMP.exec(name);
    if (!m) continue;
    const chunk = Number(m[1]);
    const pid = Number(m[2]);
    if (pid === process.pid || !idle(chunk) || alive(pid)) continue;
    try {
      unlinkSync(join(run.chunksDir, name));
      removed.push(name);
    } catch {
      /* removed by someone else meanwhile */
    }
  }
  return removed;
}
