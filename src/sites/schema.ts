import { z } from 'zod';
import { budgetSchema } from '../planning/budget-schema.js';

/**
 * A site profile: where and how SLURM jobs of hpcinv run (transport, account, partition, limits,
 * modules, container runtime). Built-in profiles live in `slurm/sites/*.yaml`; users override any field
 * in `~/.config/hpcinv/sites/<name>.yaml` or in the experiment's `backend` section.
 *
 * Values that end up in `#SBATCH` lines are restricted to characters that neither the shell nor sbatch's
 * directive parser treat specially, so a profile can never smuggle a second option or a command in.
 */
const DIRECTIVE_VALUE = /^[A-Za-z0-9_.:,=@%+/-]+$/;

const directiveValue = (field: string, example: string) =>
  z
    .string({ error: `${field} must be a string — fix: e.g. ${field}: ${example}` })
    .regex(DIRECTIVE_VALUE, { error: `${field} may only contain letters, digits and _ . : , = @ % + / - — fix: e.g. ${field}: ${example}` });

const count = (field: string, example: number, min = 1) =>
  z
    .number({ error: `${field} must be a whole number — fix: e.g. ${field}: ${example}` })
    .int({ error: `${field} must be a whole number — fix: e.g. ${field}: ${example}` })
    .min(min, { error: `${field} must be at least ${min} — fix: e.g. ${field}: ${example}` });

const localTransport = z.strictObject({ kind: z.literal('local') });

const sshTransport = z.strictObject({
  kind: z.literal('ssh'),
  host: z.string().min(1, { error: 'transport.host is empty — fix: the login node, e.g. host: login.hpc.example.org' }),
  port: count('transport.port', 22).max(65535, { error: 'transport.port must be ≤ 65535 — fix: usually 22' }).default(22),
  user: z.string().regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/, { error: 'transport.user is not a valid user name — fix: your login name on the cluster' }),
  /** Private key file; without it the SSH agent is used. `~` means your home directory. */
  identityFile: z.string().min(1).optional(),
  knownHostsFile: z.string().min(1).default('~/.ssh/known_hosts'),
  /** Channels used in parallel on the one connection; keep below the server's MaxSessions (usually 10). */
  maxChannels: count('transport.maxChannels', 8, 2).max(64, { error: 'transport.maxChannels must be ≤ 64 — fix: usually 8' }).default(8),
  /** Run commands in a login shell so that the site's profile (module, PATH) is loaded. */
  loginShell: z.boolean().default(true),
});

export const slurmSectionSchema = z.strictObject({
  account: directiveValue('slurm.account', 'proj42').optional(),
  partition: directiveValue('slurm.partition', 'batch').optional(),
  qos: directiveValue('slurm.qos', 'normal').optional(),
  /** Wall-clock limit of one array element, in any sbatch --time format. */
  time: directiveValue('slurm.time', '00:30:00').default('00:30:00'),
  /** Memory per node of one array element (sbatch --mem), e.g. 2G. */
  mem: directiveValue('slurm.mem', '2G').optional(),
  cpusPerTask: count('slurm.cpusPerTask', 1).default(1),
  /** The cluster's MaxArraySize (indices go up to this minus one); larger sweeps are split. */
  maxArraySize: count('slurm.maxArraySize', 1001, 2).default(1001),
  /** At most this many elements of one array run at once (`--array=…%N`); unset = no throttle. */
  maxConcurrent: count('slurm.maxConcurrent', 50).optional(),
  /** Chunks one array element runs one after the other, for chunks too small to be worth a job each. */
  chunksPerElement: count('slurm.chunksPerElement', 1).max(10000).default(1),
  /** At most this many `sbatch` calls per minute (site policy). */
  submitsPerMinute: count('slurm.submitsPerMinute', 30).default(30),
  /** `--requeue`: SLURM puts preempted or node-failed elements back in the queue. */
  requeue: z.boolean().default(true),
  /** Environment modules loaded before the task starts. */
  modules: z.array(directiveValue('slurm.modules[]', 'apptainer/1.3')).default([]),
  /** Further `#SBATCH` options the site needs, one per entry, e.g. `--constraint=mc`. */
  extraDirectives: z
    .array(z.string().regex(/^--[a-z][a-z-]*(=[^\n\r]*)?$/, { error: 'slurm.extraDirectives[] must each be one long option like --constraint=mc — fix: one option per entry, no newlines' }))
    .default([]),
  /** Built-in template name (templates/slurm/<name>.sh.mustache) or a path to the site's own template. */
  template: z.string().min(1).default('array'),
  /** How long a completed element's done-marker may lag behind (slow shared file systems). */
  completionGraceSeconds: count('slurm.completionGraceSeconds', 60, 0).default(60),
  /** How long an element may be in neither squeue nor sacct before it counts as lost. */
  lostGraceSeconds: count('slurm.lostGraceSeconds', 600, 0).default(600),
  /** Longest interval between two status queries while nothing changes (the watcher backs off to it). */
  maxPollSeconds: count('slurm.maxPollSeconds', 30).default(30),
  /** Use sacct for jobs that left the queue: auto = when the cluster has accounting. */
  accounting: z.enum(['auto', 'on', 'off']).default('auto'),
});

export const containerSchema = z.strictObject({
  /** none: Node on the compute node; apptainer / sarus / pyxis (`srun --container-image`). */
  runtime: z.enum(['none', 'apptainer', 'sarus', 'pyxis'], { error: 'container.runtime must be none, apptainer, sarus or pyxis' }).default('none'),
  /** Image reference (apptainer: a .sif path; sarus/pyxis: an image name). Required unless runtime is none. */
  image: z.string().min(1).optional(),
  /** Extra arguments to the runtime, e.g. ["--nv"] for apptainer with GPUs. */
  args: z.array(z.string()).default([]),
});

export const siteSchema = z
  .strictObject({
    description: z.string().optional(),
    transport: z.discriminatedUnion('kind', [localTransport, sshTransport], {
      error: 'transport.kind must be local (hpcinv runs on the login node) or ssh — fix: e.g. transport: { kind: ssh, host: login.example.org, user: me }',
    }).default({ kind: 'local' }),
    /** Where run directories live on the cluster when submitting over SSH (`~` = remote home). */
    workDir: z.string().min(1).default('~/hpcinv-runs'),
    slurm: slurmSectionSchema.default(slurmSectionSchema.parse({})),
    container: containerSchema.default(containerSchema.parse({})),
    /**
     * How to start hpcinv on a compute node when no container is used, as an argument vector.
     * Unset: locally this installation (node + its dist/cli/main.js); over SSH the staged bundle.
     */
    hpcinvCommand: z.array(z.string().min(1)).min(1).optional(),
    /** Core-hour budget checked by `hpcinv plan` and `submit` (src/planning). */
    budget: budgetSchema.default(budgetSchema.parse({})),
  })
  .superRefine((site, ctx) => {
    if (site.container.runtime !== 'none' && !site.container.image) {
      ctx.addIssue({ code: 'custom', path: ['container', 'image'], message: `container.runtime ${site.container.runtime} needs container.image — fix: the image to run, e.g. image: /scratch/me/hpcinv.sif` });
    }
  });

export type SiteProfile = z.infer<typeof siteSchema>;
export type SlurmSection = SiteProfile['slurm'];
export type SshTransportSettings = z.infer<typeof sshTransport>;
