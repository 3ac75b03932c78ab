import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { BackendError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic.js';
import { RunDir } from '../../store/run-dir.js';
import type { LoadedSite } from '../../sites/load.js';
import type { Backend, BackendHints, ChunkAttempt, JobState, SubmittedTask } from '../backend.js';
import type { Transport } from '../transport/transport.js';
import { elementArgs, packElements, splitArrays, type Element } from './arrays.js';
import { renderJobScript, taskCommandFor } from './job-script.js';
import { RemoteRun, SLURM_STATE_DIR } from './remote-run.js';
import { SlurmScheduler } from './scheduler.js';
import { stateOfTask } from './states.js';

export interface SlurmBackendOptions {
  site: LoadedSite;
  transport: Transport;
  /**
   * How to start hpcinv on a node when no container is used (resolved by the factory). With
   * `stage: false` (dry runs) nothing may be uploaded: a bundle not yet staged is named by a placeholder.
   */
  hpcinvCommand: (options: { stage: boolean }) => Promise<string[]>;
  /** Elements of one array running at once (`%N`); overrides the site's maxConcurrent. */
  concurrency?: number;
}

/** One array job prepared for sbatch: its name, script and the tasks it will carry. */
interface PreparedArray {
  jobName: string;
  script: string;
  scriptFile: string;
  elements: Element[];
}

/**
 * SLURM array jobs as a lifecycle backend: chunk attempts become elements of `--array` jobs (split above
 * MaxArraySize, throttled with %N), each element runs `hpcinv task` for its line of a map file; one
 * squeue (+ one sacct) call answers a whole poll. Works on a login node or over SSH alike.
 */
export class SlurmBackend implements Backend, BackendHints {
  readonly name = 'slurm';
  readonly scheduler: SlurmScheduler;
  readonly lostGraceMs: number;
  readonly completionGraceMs: number;
  readonly maxPollIntervalMs: number;
  private readonly remotes = new Map<string, RemoteRun>();

  constructor(private readonly options: SlurmBackendOptions) {
    const s = options.site.profile.slurm;
    this.scheduler = new SlurmScheduler(options.transport, { accounting: s.accounting, submitsPerMinute: s.submitsPerMinute });
    // Grace periods are properties of the site (file system latency, accounting delay).
    this.lostGraceMs = s.lostGraceSeconds * 1000;
    this.completionGraceMs = s.completionGraceSeconds * 1000;
    this.maxPollIntervalMs = s.maxPollSeconds * 1000;
  }

  async stageIn(runDir: string): Promise<void> {
    await this.remote(runDir).stageIn();
  }

  async submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]> {
    const remote = this.remote(runDir);
    const { arrays, mapFile } = await this.prepare(remote, attempts, true);
    writeFileAtomic(join(remote.run.root, mapFile), arrays.flatMap((a) => a.elements.map(elementArgs)).join('\n') + '\n');
    await remote.put(mapFile);
    const root = await remote.root();
    const tasks: SubmittedTask[] = [];
    const submitted: string[] = [];
    for (const a of arrays) {
      writeFileAtomic(join(remote.run.root, a.scriptFile), a.script);
      let arrayId: string;
      try {
        arrayId = await this.scheduler.submit(a.script, root, a.jobName);
      } catch (err) {
        // All or nothing: arrays already accepted would otherwise run unrecorded next to the retry.
        if (submitted.length) await this.scheduler.cancel(submitted).catch(() => undefined);
        throw err;
      }
      submitted.push(arrayId);
      a.elements.forEach((e, i) => {
        const jobId = `${arrayId}_${i}`;
        tasks.push({ jobId, attempts: e.chunks.map((chunk) => ({ chunk, attempt: e.attempt })), log: `logs/${jobId}.log` });
      });
    }
    return tasks;
  }

  /** `submit --dry-run` / `hpcinv render`: the exact scripts and map file, submitting nothing. */
  async describe(runDir: string, attempts: ChunkAttempt[]): Promise<string> {
    const remote = this.remote(runDir);
    const { arrays, mapFile } = await this.prepare(remote, attempts);
    const root = await remote.root();
    const out: string[] = [];
    for (const a of arrays) {
      out.push(`# ---- sbatch --parsable < ${a.scriptFile}   (in ${root} on ${this.options.transport.describe})`, a.script);
    }
    out.push(`# ---- ${mapFile} (line = array index + offset + 1)`, ...arrays.flatMap((a) => a.elements.map(elementArgs)), '');
    return out.join('\n');
  }

  /** `sbatch --test-only` on each script that `submit` would send. */
  async validate(runDir: string, attempts: ChunkAttempt[]): Promise<{ jobName: string; ok: boolean; message: string }[]> {
    const remote = this.remote(runDir);
    const { arrays } = await this.prepare(remote, attempts);
    const root = await remote.root();
    const verdicts = [];
    for (const a of arrays) verdicts.push({ jobName: a.jobName, ...(await this.scheduler.testOnly(a.script, root)) });
    return verdicts;
  }

  /**
   * One squeue for all elements (+ one sacct for those that left the queue). A scheduler or connection
   * that does not answer this round makes every element 'unknown' — never failed; the lifecycle's
   * lost-grace period decides if the outage lasts.
   */
  async poll(_runDir: string, jobIds: string[]): Promise<Map<string, JobState>> {
    try {
      const arrayIds = [...new Set(jobIds.map((id) => id.split('_')[0]!))];
      const queued = await this.scheduler.states(arrayIds);
      const missing = jobIds.filter((id) => stateOfTask(queued, id) === undefined);
      const missingArrays = [...new Set(missing.map((id) => id.split('_')[0]!))];
      const accounted = missing.length ? await this.scheduler.accountingStates(missingArrays) : new Map<string, JobState>();
      return new Map(jobIds.map((id) => [id, stateOfTask(queued, id) ?? stateOfTask(accounted, id) ?? 'unknown']));
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
      return new Map(jobIds.map((id) => [id, 'unknown']));
    }
  }

  /** Outputs that cannot be fetched this round (connection lost) stay remote; files decide later. */
  async stageOut(runDir: string, chunks: number[]): Promise<void> {
    try {
      await this.remote(runDir).stageOut(chunks);
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
    }
  }

  async cancel(_runDir: string, jobIds: string[]): Promise<void> {
    await this.scheduler.cancel(jobIds);
  }

  async close(): Promise<void> {
    await this.options.transport.close();
  }

  private remote(runDir: string): RemoteRun {
    const run = new RunDir(runDir);
    let remote = this.remotes.get(run.root);
    if (!remote) {
      remote = new RemoteRun(this.options.transport, this.options.site.profile, run);
      this.remotes.set(run.root, remote);
    }
    return remote;
  }

  private async prepare(remote: RemoteRun, attempts: ChunkAttempt[], stage = false): Promise<{ arrays: PreparedArray[]; mapFile: string }> {
    const { profile, name: siteName } = this.options.site;
    const s = profile.slurm;
    const elements = packElements(attempts, s.chunksPerElement);
    const parts = splitArrays(elements.length, s.maxArraySize, this.options.concurrency ?? s.maxConcurrent);
    // Job names are unique per array so that a failed sbatch can be checked by name before a retry.
    const seq = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0')}`;
    const mapFile = join(SLURM_STATE_DIR, `${seq}.map`);
    const root = await remote.root();
    const hpcinv = profile.container.runtime === 'none' ? await this.options.hpcinvCommand({ stage }) : [];
    const taskCommand = taskCommandFor(profile, root, hpcinv);
    const arrays = parts.map((part, k) => {
      const jobName = `hpcinv.${runTag(remote.run.root)}.${seq}.${k}`;
      const script = renderJobScript({ site: profile, siteName, jobName, part, runDir: root, mapFile, taskCommand });
      return { jobName, script, scriptFile: join(SLURM_STATE_DIR, `${jobName}.sh`), elements: elements.slice(part.offset, part.offset + part.count) };
    });
    return { arrays, mapFile };
  }
}

/** A short, shell- and sbatch-safe tag of the run for job names: its directory name plus a path hash. */
function runTag(root: string): string {
  const name = basename(root).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
  return `${name}-${createHash('sha256').update(root).digest('hex').slice(0, 6)}`;
}
