import { availableParallelism } from 'node:os';
import { InputError } from '../../errors.js';
import { loadFrozenExperiment } from '../../experiment/load.js';
import { checkChunk } from '../../store/done-marker.js';
import { foldManifest, readManifest } from '../../store/manifest.js';
import { RunDir } from '../../store/run-dir.js';
import type { ChunkAttempt } from '../backend.js';
import { ensurePlan } from '../make-plan.js';
import { createSlurmBackend } from './factory.js';

export interface RenderRunOptions {
  /** Site profile name or path; default: the experiment's backend.site. */
  site?: string;
  /** Only these chunks (default: every chunk not done). */
  chunks?: number[];
  /** Also ask SLURM (`sbatch --test-only`) whether it would accept each script. */
  validate?: boolean;
}

export interface RenderRunResult {
  /** Exactly what `hpcinv submit` would send: scripts and the map file. */
  text: string;
  attempts: ChunkAttempt[];
  verdicts?: { jobName: string; ok: boolean; message: string }[];
}

/** `hpcinv render`: the job scripts a submit of this run would send, without submitting anything. */
export async function renderRun(runRoot: string, opts: RenderRunOptions = {}): Promise<RenderRunResult> {
  const run = new RunDir(runRoot);
  if (!run.exists()) throw new InputError(`${run.root} is not a run directory — fix: create it with \`hpcinv sample <experiment.yaml> ${runRoot}\``);
  const exp = loadFrozenExperiment(run);
  // Before the first submit there is no plan.json: plan as `submit --dry-run` does, without writing it.
  const plan = await ensurePlan(run, exp, { workers: exp.backend.concurrency ?? availableParallelism(), dryRun: true });
  const history = foldManifest(readManifest(run));
  const wanted = opts.chunks ? new Set(opts.chunks) : undefined;
  for (const id of wanted ?? []) {
    if (!plan.chunks.some((c) => c.id === id)) throw new InputError(`chunk ${id} is not in the plan (0–${plan.chunks.length - 1}) — fix: pick a chunk id from \`hpcinv status --chunks\``);
  }
  const attempts = plan.chunks
    .filter((c) => (wanted ? wanted.has(c.id) : !checkChunk(run, c.id, c.end - c.start).ok))
    .map((c) => ({ chunk: c.id, attempt: (history.get(c.id) ?? []).reduce((m, a) => Math.max(m, a.attempt), 0) + 1 }));
  if (attempts.length === 0) return { text: '# every chunk is done: nothing would be submitted\n', attempts };
  const settings: Record<string, unknown> = { ...exp.backend, ...(opts.site ? { site: opts.site } : {}) };
  const backend = createSlurmBackend({ runDir: run.root, settings, concurrency: exp.backend.concurrency });
  try {
    const text = await backend.describe(run.root, attempts);
    const verdicts = opts.validate ? await backend.validate(run.root, attempts) : undefined;
    return { text, attempts, verdicts };
  } finally {
    await backend.close();
  }
}
