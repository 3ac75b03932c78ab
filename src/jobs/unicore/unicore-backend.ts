import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Backend, BackendHints, ChunkAttempt, JobState, SubmittedTask } from '../backend.js';
import { BackendError, InputError } from '../../errors.js';
import { RunDir } from '../../store/run-dir.js';
import { writeFileAtomic } from '../../store/atomic.js';
import { sha256 } from '../../store/done-marker.js';
import { loadCredentials } from './credentials.js';
import { attemptTag, JobTemplate } from './job-description.js';
import { UnicoreJobs, workingDirectoryOf, type UnicoreStatus } from './jobs-api.js';
import { TransientError, UnicoreClient } from './rest-client.js';
import type { UnicoreSettings } from './settings.js';
import { mapLimit } from './map-limit.js';
import { stageBundle } from './bundle-stage.js';

/**
 * What `hpcinv task` reads from the run directory, uploaded into every job's working directory: the frozen
 * experiment, θ, the plan, and `inputs/` (connectome files the run carries).
 */
function taskInputs(run: RunDir): string[] {
  const inputsDir = join(run.root, 'inputs');
  const extra = existsSync(inputsDir)
    ? readdirSync(inputsDir, { recursive: true, encoding: 'utf8' }).map((f) => join(inputsDir, f)).filter((f) => statSync(f).isFile())
    : [];
  return [run.experiment, run.theta, run.plan, ...extra.sort()];
}

/** Submissions tried per chunk attempt when the answer is lost; each retry first looks the job up by tag. */
const SUBMIT_TRIES = 4;

interface KnownJob {
  url: string;
  attempt: ChunkAttempt;
  /** Working-directory storage URL, once seen. */
  wd?: string;
}

/**
 * The `unicore` backend: one UNICORE job per chunk attempt, from a laptop over REST.
 *
 * submit: look the attempt up by its tag (never submit it twice) → submit with `haveClientStageIn` →
 * upload the task inputs into the job's working directory → start. poll: one cheap
 * `?fields=status,statusMessage,exitCode` per job. stageOut: download the chunk's Arrow file and done-marker,
 * verify the sha256, write them atomically, fetch stdout/stderr as the log, and delete the job if asked.
 * The run id (tags `hpcinv-<run>…`) lives in `backend/unicore/run.json`, so a new orchestrator finds its
 * jobs on the server again.
 */
export class UnicoreBackend implements Backend, BackendHints {
  readonly name = 'unicore';
  readonly maxPollIntervalMs: number;
  readonly lostGraceMs: number;
  /**
   * Outputs are downloaded before the lifecycle looks; the grace gives a download that failed for a
   * moment (site unreachable) one or two more polls before the chunk is run again.
   */
  readonly completionGraceMs: number;
  private api: UnicoreJobs | null = null;
  private readonly template: JobTemplate;
  private jobsUrl: string | null = null;
  private readonly known = new Map<number, KnownJob>();
  private readonly lastStatus = new Map<string, UnicoreStatus>();
  private runId: string | null = null;
  /** Launcher and set-up of a staged bundle (launcher.bundle), once stageIn has put it on the site. */
  private staged: { launcher: string; setup: string } | undefined;

  constructor(
    private readonly settings: UnicoreSettings,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.maxPollIntervalMs = settings.pollMaxSeconds * 1000;
    this.lostGraceMs = settings.lostGraceSeconds * 1000;
    this.completionGraceMs = 2 * settings.pollMaxSeconds * 1000;
    this.template = new JobTemplate(settings.template);
    this.template.checkFor(settings);
  }

  /** The REST client, made on first use so that `submit --dry-run` needs neither credentials nor the CA. */
  private get jobs(): UnicoreJobs {
    if (this.api) return this.api;
    let ca: string | undefined;
    if (this.settings.caBundle) {
      try {
        ca = readFileSync(this.settings.caBundle, 'utf8');
      } catch (err) {
        throw new InputError(`cannot read the CA bundle ${this.settings.caBundle}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} — fix: set backend.caBundle to the site CA's PEM file`);
      }
    }
    this.api = new UnicoreJobs(new UnicoreClient({
      url: this.settings.url, credentials: loadCredentials(this.env, this.settings.credentialsFile), ca,
      timeoutMs: this.settings.requestTimeoutSeconds * 1000, retries: this.settings.retries,
    }));
    return this.api;
  }

  async stageIn(runDir: string): Promise<void> {
    const run = new RunDir(runDir);
    for (const f of [run.experiment, run.theta, run.plan]) {
      if (!existsSync(f)) throw new InputError(`${f} is missing — fix: create the run with \`hpcinv sample\` and plan it before submitting`);
    }
    this.ensureRunId(run);
    await this.prepareLauncher();
  }

  async describe(runDir: string, attempts: ChunkAttempt[]): Promise<string> {
    const runId = this.peekRunId(new RunDir(runDir));
    const docs = attempts.map((a) => JSON.stringify(this.template.render(this.settings, runId, a), null, 2));
    return `# unicore backend: ${attempts.length} job(s) to ${this.settings.url}, each with inputs ` +
      `${taskInputs(new RunDir(runDir)).map((f) => relative(runDir, f)).join(', ')} uploaded before start\n${docs.join('\n')}\n`;
  }

  async submit(runDir: string, attempts: ChunkAttempt[]): Promise<SubmittedTask[]> {
    const run = new RunDir(runDir);
    const runId = this.ensureRunId(run);
    const jobsUrl = await this.connect();
    await this.prepareLauncher();
    const inputs = taskInputs(run).map((f) => ({ name: relative(run.root, f), data: readFileSync(f) }));
    return mapLimit(attempts, this.settings.parallelRequests, async (a) => {
      const url = await this.ensureJob(jobsUrl, runId, a);
      const props = await this.jobs.properties(url, ['status', '_links']);
      const wd = workingDirectoryOf(url, props);
      this.known.set(a.chunk, { url, attempt: a, wd });
      if (props?.status === 'READY') {
        for (const input of inputs) await this.jobs.upload(wd, input.name, input.data);
        await this.start(url);
      }
      return { jobId: url, attempts: [a], log: run.logRel(`unicore-${attemptTag(runId, a)}`) };
    });
  }

  async poll(_runDir: string, jobIds: string[]): Promise<Map<string, JobState>> {
    const states = await mapLimit(jobIds, this.settings.parallelRequests * 2, async (url) => {
      try {
        const s = await this.jobs.status(url);
        if (s) this.lastStatus.set(url, s.status);
        return s ? toJobState(s.status, s.statusMessage) : 'unknown';
      } catch (err) {
        // A site that is briefly unreachable must not fail the sweep: the lifecycle's lost-grace decides.
        if (err instanceof TransientError) return 'unknown';
        throw err;
      }
    });
    return new Map(jobIds.map((id, i) => [id, states[i]]));
  }

  async stageOut(runDir: string, chunks: number[]): Promise<void> {
    const run = new RunDir(runDir);
    mkdirSync(run.logsDir, { recursive: true });
    await mapLimit(chunks, this.settings.parallelRequests, (chunk) => this.stageOutChunk(run, chunk).catch((err: unknown) => {
      // The site is unreachable for now: the lifecycle calls again within its completion grace.
      if (!(err instanceof TransientError)) throw err;
    }));
  }

  private async stageOutChunk(run: RunDir, chunk: number): Promise<void> {
    const job = this.known.get(chunk) ?? (await this.findLatest(run, chunk));
    if (!job) return;
    const wd = job.wd ?? (await this.jobs.workingDirectory(job.url));
    const ok = await this.fetchChunk(run, wd, chunk);
    await this.fetchLog(run, wd, job);
    if (this.settings.deleteFinished) {
      // the state the lifecycle acted on, else ask (after a re-attach)
      const status = this.lastStatus.get(job.url) ?? (await this.jobs.status(job.url))?.status;
      if ((status === 'SUCCESSFUL' && ok) || status === 'FAILED') {
        await this.jobs.delete(job.url);
        this.known.delete(chunk);
      }
    }
  }

  /**
   * `start`, tolerating a retried start whose first try went through but lost its answer: a real server
   * may refuse the second one, and a job that has left READY has started either way.
   */
  private async start(url: string): Promise<void> {
    try {
      await this.jobs.action(url, 'start');
    } catch (err) {
      const now = await this.jobs.status(url).catch(() => null);
      if (!now || now.status === 'READY') throw err;
    }
  }

  async cancel(_runDir: string, jobIds: string[]): Promise<void> {
    await mapLimit(jobIds, this.settings.parallelRequests, (url) => this.jobs.action(url, 'abort'));
  }

  async close(): Promise<void> {
    this.api?.client.close();
  }

  private async connect(): Promise<string> {
    this.jobsUrl ??= (await this.jobs.whoAmI()).jobsUrl;
    return this.jobsUrl;
  }

  private async prepareLauncher(): Promise<void> {
    await this.connect();
    if ('bundle' in this.settings.launcher) this.staged ??= await stageBundle(this.jobs, this.settings.launcher.bundle);
  }

  private runFile(run: RunDir): string {
    return `${run.backendDir('unicore')}/run.json`;
  }

  private peekRunId(run: RunDir): string {
    if (this.runId) return this.runId;
    return existsSync(this.runFile(run)) ? (JSON.parse(readFileSync(this.runFile(run), 'utf8')) as { runId: string }).runId : '<new-run-id>';
  }

  private ensureRunId(run: RunDir): string {
    if (this.runId) return this.runId;
    const file = this.runFile(run);
    if (existsSync(file)) this.runId = (JSON.parse(readFileSync(file, 'utf8')) as { runId: string }).runId;
    else {
      this.runId = randomUUID().slice(0, 13).replace('-', '');
      writeFileAtomic(file, JSON.stringify({ runId: this.runId, url: this.settings.url }) + '\n');
    }
    return this.runId;
  }

  /** The job of this attempt: found by its tag, or submitted — and after a lost answer, looked up again first. */
  private async ensureJob(jobsUrl: string, runId: string, a: ChunkAttempt): Promise<string> {
    const tag = attemptTag(runId, a);
    let lastError: unknown;
    for (let i = 0; i < SUBMIT_TRIES; i++) {
      const existing = await this.jobs.findByTags(jobsUrl, [tag]);
      if (existing.length > 0) return existing[0];
      if (i === 0 && a.attempt > 1) await this.dropUnstarted(jobsUrl, runId, a);
      try {
        return await this.jobs.submit(jobsUrl, this.template.render(this.settings, runId, a, this.staged));
      } catch (err) {
        if (!(err instanceof TransientError)) throw err;
        lastError = err;
        await new Promise((r) => setTimeout(r, 500 * 2 ** i));
      }
    }
    throw new BackendError(`could not submit chunk ${a.chunk} attempt ${a.attempt} after ${SUBMIT_TRIES} tries: ${(lastError as Error).message}`);
  }

  /**
   * An orchestrator that died between submitting and starting leaves its job waiting in READY forever
   * (the lifecycle then gives the chunk a new attempt): delete such leftovers of earlier attempts.
   */
  private async dropUnstarted(jobsUrl: string, runId: string, a: ChunkAttempt): Promise<void> {
    for (const url of await this.jobs.findByTags(jobsUrl, [`hpcinv-${runId}-c${a.chunk}`])) {
      if ((await this.jobs.status(url))?.status === 'READY') await this.jobs.delete(url);
    }
  }

  /** After a re-attach: the newest attempt of this chunk on the server. */
  private async findLatest(run: RunDir, chunk: number): Promise<KnownJob | null> {
    const runId = this.ensureRunId(run);
    const urls = await this.jobs.findByTags(await this.connect(), [`hpcinv-${runId}-c${chunk}`]);
    let best: KnownJob | null = null;
    for (const url of urls) {
      const props = await this.jobs.properties(url, ['tags']);
      const tags = (props?.tags ?? []) as string[];
      const m = tags.map((t) => new RegExp(`^hpcinv-${runId}-c${chunk}-a(\\d+)$`).exec(t)).find(Boolean);
      const attempt = m ? Number(m[1]) : 0;
      if (!best || attempt > best.attempt.attempt) best = { url, attempt: { chunk, attempt } };
    }
    return best;
  }

  /** Downloads marker and Arrow file, checks them against each other, and only then writes them. */
  private async fetchChunk(run: RunDir, wd: string, chunk: number): Promise<boolean> {
    const markerRel = relative(run.root, run.doneMarker(chunk));
    const fileRel = relative(run.root, run.chunkFile(chunk));
    for (let tryNo = 0; tryNo < 2; tryNo++) {
      const marker = await this.jobs.download(wd, markerRel);
      if (!marker) return false;
      const bytes = await this.jobs.download(wd, fileRel);
      if (!bytes) return false;
      let expected: { sha256?: string; bytes?: number };
      try {
        expected = JSON.parse(marker.toString('utf8'));
      } catch {
        return false; // a broken marker means the task broke: the lifecycle retries the chunk
      }
      if (expected.sha256 !== sha256(bytes) || expected.bytes !== bytes.length) continue; // torn download: once more
      writeFileAtomic(run.chunkFile(chunk), bytes);
      writeFileAtomic(run.doneMarker(chunk), marker);
      return true;
    }
    return false;
  }

  private async fetchLog(run: RunDir, wd: string, job: KnownJob): Promise<void> {
    const parts: string[] = [];
    for (const name of ['stdout', 'stderr']) {
      const data = await this.jobs.download(wd, name);
      if (data) parts.push(`==> ${name} of ${job.url} <==\n${data.toString('utf8')}`);
    }
    if (parts.length) writeFileAtomic(`${run.root}/${run.logRel(`unicore-${attemptTag(this.runId!, job.attempt)}`)}`, parts.join('\n'));
  }
}

/** UNICORE status → lifecycle state; files, not this, decide whether a chunk is done. */
export function toJobState(status: UnicoreStatus, message: string): JobState {
  switch (status) {
    case 'READY':
    case 'STAGINGIN':
    case 'QUEUED':
      return 'pending';
    case 'RUNNING':
    case 'STAGINGOUT':
      return 'running';
    case 'SUCCESSFUL':
      return 'completed';
    case 'FAILED':
      if (/aborted/i.test(message)) return 'cancelled';
      if (/runtime|time limit|walltime/i.test(message)) return 'timeout';
      return 'failed';
    default:
      return 'unknown';
  }
}
