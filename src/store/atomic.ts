import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write a whole file atomically: write `<path>.tmp-<pid>`, fsync it, rename over `path`. A reader (or an
 * orchestrator re-attaching after a crash) sees either the old file or the complete new one, never a
 * half-written file. Temp files of killed writers are left behind with their pid in the name and are
 * harmless: nothing reads `*.tmp-*`; the lifecycle removes those in `chunks/` (see `stale-temps.ts`).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDirectory(dirname(path));
}

/** Make the rename itself durable (a power cut after rename must not resurrect the old file). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems (and NFS clients) refuse fsync on a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Append one line to an append-only log (the manifest). One `write` on an O_APPEND descriptor, so
 * concurrent appenders never interleave within a line; a writer killed mid-line leaves a truncated last
 * line, which readers skip (see `readJsonLines`).
 */
export function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, line.endsWith('\n') ? line : `${line}\n`);
}
