/**
 * The contract between hpcinv and a SLURM array-job template (documented in docs/sysadmin.md):
 * the placeholders hpcinv fills, which of them a template must use, and their kinds. A site may add any
 * literal text (extra #SBATCH lines, environment setup) but no other placeholders.
 */
export type PlaceholderKind = 'text' | 'optional-text' | 'list' | 'flag';

export interface Placeholder {
  kind: PlaceholderKind;
  required: boolean;
  doc: string;
}

export const PLACEHOLDERS: Readonly<Record<string, Placeholder>> = {
  jobName: { kind: 'text', required: true, doc: 'unique job name of this array (hpcinv checks by name whether a failed sbatch submitted anything)' },
  arraySpec: { kind: 'text', required: true, doc: 'the --array value: 0-(n-1) with the %N throttle, e.g. 0-99%8' },
  runDir: { kind: 'text', required: true, doc: 'absolute run directory where the job runs (shell-quoted)' },
  mapFile: { kind: 'text', required: true, doc: 'map file relative to runDir: line index+offset+1 holds the task arguments of an element' },
  offset: { kind: 'text', required: true, doc: 'added to SLURM_ARRAY_TASK_ID to find the line in the map file (arrays split above MaxArraySize)' },
  taskCommand: { kind: 'list', required: true, doc: 'argument vector starting hpcinv (with the container runtime wrapper); iterate it' },
  time: { kind: 'text', required: true, doc: 'wall-clock limit of one element (--time)' },
  cpusPerTask: { kind: 'text', required: false, doc: 'CPUs per element (--cpus-per-task)' },
  mem: { kind: 'optional-text', required: false, doc: 'memory per element (--mem); empty when the site sets none' },
  account: { kind: 'optional-text', required: false, doc: 'project account (--account)' },
  partition: { kind: 'optional-text', required: false, doc: 'partition (--partition)' },
  qos: { kind: 'optional-text', required: false, doc: 'quality of service (--qos)' },
  requeue: { kind: 'flag', required: false, doc: 'true when SLURM should requeue preempted elements (--requeue)' },
  extraDirectives: { kind: 'list', required: false, doc: "the site profile's further #SBATCH options, one per item" },
  modules: { kind: 'list', required: false, doc: 'environment modules to load' },
  hpcinvVersion: { kind: 'text', required: false, doc: 'version of hpcinv that rendered the script' },
  site: { kind: 'text', required: false, doc: 'site profile name' },
};

/** What the rendered script must contain for hpcinv to find its logs (`logs/<array>_<task>.log`). */
export const REQUIRED_OUTPUT_DIRECTIVE = '#SBATCH --output=logs/%A_%a.log';

/** Values handed to a template; lists are arrays of strings, flags booleans, absent optionals ''. */
export type TemplateContext = Record<string, string | string[] | boolean>;
