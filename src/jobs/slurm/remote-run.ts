import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BackendError } from '../../errors.js';
import { RunDir } from '../../store/run-dir.js';
import type { SiteProfile } from '../../sites/schema.js';
import type { Transport } from '../transport/transport.js';
import { extractSafely, packArchive, runInputEntries } from './archive.js';

/** Backend-private files inside a run directory (map files, rendered scripts, archives in transit). */
export const SLURM_STATE_DIR = join('backend', 'slurm');

/**
 * Where a run lives on the cluster and how files get there and back. On the login node (local
 * transport) the run directory is used where it is and nothing is copied. Over SSH it lives under the
 * site's workDir; inputs go up as one tar archive over SFTP and chunk outputs come back as one archive
 * per stage-out, each checked against its done-marker's sha256 before it enters the local run.
 */
export class RemoteRun {
  private remoteRoot: string | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly site: SiteProfile,
    readonly run: RunDir,
  ) {}

  /** The run directory as the cluster sees it (absolute). */
  async root(): Promise<string> {
    if (this.remoteRoot) return this.remoteRoot;
    if (this.transport.kind === 'local') return (this.remoteRoot = this.run.root);
    const base = await resolveRemoteDir(this.transport, this.site.workDir);
    const tag = createHash('sha256').update(this.run.root).digest('hex').slice(0, 8);
    this.remoteRoot = `${base}/${basename(this.run.root).replace(/[^A-Za-z0-9._-]/g, '_')}-${tag}`;
    return this.remoteRoot;
  }

  async stageIn(): Promise<void> {
    const root = await this.root();
    if (this.transport.kind === 'local') {
      for (const d of ['logs', 'chunks', SLURM_STATE_DIR]) mkdirSync(join(this.run.root, d), { recursive: true });
      return;
    }
    await this.remote(['mkdir', '-p', '--', `${root}/logs`, `${root}/chunks`, `${root}/${SLURM_STATE_DIR}`], 'create the remote run directory');
    const work = mkdtempSync(join(tmpdir(), 'hpcinv-stage-in-'));
    try {
      const archive = join(work, 'inputs.tgz');
      await packArchive(archive, this.run.root, runInputEntries(this.run.root));
      const remoteArchive = `${root}/${SLURM_STATE_DIR}/stage-in-${process.pid}.tgz`;
      await this.transport.upload(archive, remoteArchive);
      // GNU tar refuses absolute names and '..' members; the archive holds only files and directories.
      await this.remote(['tar', '-xzf', remoteArchive, '-C', root, '--no-same-owner'], 'unpack the run inputs');
      await this.remote(['rm', '-f', '--', remoteArchive], 'remove the stage-in archive');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Upload one backend-private file (e.g. a map file) to the same relative path in the remote run. */
  async put(relative: string): Promise<void> {
    if (this.transport.kind === 'local') return;
    await this.transport.upload(join(this.run.root, relative), `${await this.root()}/${relative}`);
  }

  /**
   * Bring back the outputs of `chunks` (Arrow file + done-marker) and new or grown logs. A chunk whose
   * file does not match its marker's size and sha256 is left behind, so the lifecycle sees it as not
   * done and retries it. Returns the chunks installed.
   */
  async stageOut(chunks: readonly number[]): Promise<number[]> {
    if (this.transport.kind === 'local' || chunks.length === 0) return [];
    const root = await this.root();
    const wanted = new Set(chunks.flatMap((c) => [basename(this.run.chunkFile(c)), basename(this.run.doneMarker(c))]));
    const present = (await this.remote(['find', 'chunks', '-maxdepth', '1', '-type', 'f', '-name', 'chunk-*'], 'list remote chunk outputs', root))
      .split('\n').map((l) => l.trim().replace(/^chunks\//, '')).filter((n) => wanted.has(n));
    const logs = (await this.remote(['find', 'logs', '-maxdepth', '1', '-type', 'f', '-printf', '%s %P\\n'], 'list remote logs', root))
      .split('\n').filter(Boolean).map((l) => l.split(' ', 2) as [string, string])
      .filter(([size, name]) => !existsSync(join(this.run.logsDir, name)) || statSync(join(this.run.logsDir, name)).size !== Number(size))
      .map(([, name]) => `logs/${name}`);
    const files = [...present.map((n) => `chunks/${n}`), ...logs];
    if (files.length === 0) return [];
    const remoteArchive = `${SLURM_STATE_DIR}/stage-out-${process.pid}.tgz`;
    const pack = await this.transport.exec(['tar', '-czf', remoteArchive, '-T', '-'], { cwd: root, stdin: files.join('\n') + '\n', timeoutMs: 600_000 });
    if (pack.exitCode !== 0) throw new BackendError(`cannot pack chunk outputs on ${this.transport.describe}: ${pack.stderr.trim()} — fix: check free space in ${root}`);
    const staging = join(this.run.root, SLURM_STATE_DIR, `stage-out-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      await this.transport.download(`${root}/${remoteArchive}`, `${staging}.tgz`);
      await this.remote(['rm', '-f', '--', remoteArchive], 'remove the stage-out archive', root);
      await extractSafely(`${staging}.tgz`, staging);
      for (const log of logs) {
        if (existsSync(join(staging, log))) {
          mkdirSync(this.run.logsDir, { recursive: true });
          renameSync(join(staging, log), join(this.run.root, log));
        }
      }
      const installed: number[] = [];
      for (const c of chunks) {
        const file = join(staging, 'chunks', basename(this.run.chunkFile(c)));
        const marker = join(staging, 'chunks', basename(this.run.doneMarker(c)));
        if (!existsSync(file) || !existsSync(marker) || !matchesMarker(file, marker)) continue;
        mkdirSync(this.run.chunksDir, { recursive: true });
        // The Arrow file first, the marker last: a crash in between leaves "not done", never a false "done".
        renameSync(file, this.run.chunkFile(c));
        renameSync(marker, this.run.doneMarker(c));
        installed.push(c);
      }
      return installed;
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(`${staging}.tgz`, { force: true });
    }
  }

  private async remote(argv: string[], what: string, cwd?: string): Promise<string> {
    const r = await this.transport.exec(argv, { cwd, timeoutMs: 600_000 });
    if (r.exitCode !== 0) throw new BackendError(`cannot ${what} on ${this.transport.describe}: ${r.stderr.trim()} — fix: check the site's workDir (${this.site.workDir}), its permissions and free space`);
    return r.stdout;
  }
}

function matchesMarker(file: string, markerPath: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { sha256?: unknown; bytes?: unknown };
    const bytes = readFileSync(file);
    return marker.bytes === bytes.length && marker.sha256 === createHash('sha256').update(bytes).digest('hex');
  } catch {
    return false;
  }
}

/** `~/x`, `x` (relative to the remote home) and `$VAR/x` → an absolute remote path. */
export async function resolveRemoteDir(transport: Transport, dir: string): Promise<string> {
  const m = /^(?:~|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?)(\/.*)?$/.exec(dir);
  let base: string;
  let rest: string;
  if (dir.startsWith('/')) return dir.replace(/\/+$/, '');
  if (m) {
    const variable = m[1] ?? 'HOME';
    const r = await transport.exec(['printenv', variable]);
    base = r.stdout.trim();
    if (r.exitCode !== 0 || !base.startsWith('/')) {
      throw new BackendError(`$${variable} is not set to an absolute path on ${transport.describe} — fix: set workDir in the site profile to an absolute path`);
    }
    rest = m[2] ?? '';
  } else {
    const r = await transport.exec(['printenv', 'HOME']);
    base = r.stdout.trim();
    rest = `/${dir}`;
  }
  return `${base}${rest}`.replace(/\/+$/, '');
}
