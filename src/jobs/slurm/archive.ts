import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { create, extract } from 'tar';
import { BackendError } from '../../errors.js';

/** Run-directory entries that are outputs or orchestrator state, never inputs of a task. */
const NOT_INPUTS = new Set(['chunks', 'logs', 'backend', 'model', 'report', 'dataset.arrow', 'manifest.jsonl']);

/**
 * The run's inputs (frozen experiment, θ, plan, and whatever else the run holds besides outputs), as
 * relative paths: regular files and directories only — a symlink could point anywhere on the remote.
 */
export function runInputEntries(runRoot: string): string[] {
  return readdirSync(runRoot)
    .filter((name) => !NOT_INPUTS.has(name) && !name.includes('.tmp-') && !name.startsWith('.'))
    .filter((name) => {
      const st = lstatSync(join(runRoot, name));
      return st.isFile() || st.isDirectory();
    })
    .sort();
}

/** A gzipped tar of `entries` (relative to `cwd`), regular files and directories only. */
export async function packArchive(file: string, cwd: string, entries: string[]): Promise<void> {
  await create({ gzip: true, file, cwd, portable: true, filter: (_path, st) => !('isSymbolicLink' in st) || !st.isSymbolicLink() }, entries);
}

/**
 * Extract an archive that came from elsewhere into `target`, refusing anything that could write
 * outside it: absolute names, `..` segments, symlinks and hard links. Unsafe entries are skipped and
 * reported as an error after the safe ones are in place (the caller extracts into a fresh directory).
 */
export async function extractSafely(file: string, target: string): Promise<string[]> {
  const unsafe: string[] = [];
  const written: string[] = [];
  await extract({
    file,
    cwd: target,
    preservePaths: false,
    filter: (path, entry) => {
      const type = 'type' in entry ? entry.type : 'File';
      const ok = (type === 'File' || type === 'OldFile' || type === 'Directory') && !path.startsWith('/') && !path.split('/').includes('..');
      if (!ok) unsafe.push(`${path} (${type})`);
      else if (type !== 'Directory') written.push(path);
      return ok;
    },
  });
  if (unsafe.length) {
    throw new BackendError(`the archive ${file} holds entries that would write outside ${target}: ${unsafe.slice(0, 5).join(', ')} — fix: nothing was extracted from them; check the remote run directory for tampering`);
  }
  return written;
}
