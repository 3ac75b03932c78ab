import { HttpError } from './http-util.js';

export type JobType = 'BATCH' | 'ON_LOGIN_NODE' | 'RAW' | 'ALLOCATE';

export interface ImportSpec {
  to: string;
  /** Inline content, when given as `Data`. */
  data?: string;
  /** Source URL otherwise (only this server's own storages are reachable from the test server). */
  from?: string;
  mode: 'overwrite' | 'append' | 'nooverwrite';
  failOnError: boolean;
}

export interface ParsedDescription {
  name: string;
  executable: string;
  arguments: string[];
  environment: Record<string, string>;
  jobType: JobType;
  haveClientStageIn: boolean;
  imports: ImportSpec[];
  resources: Record<string, unknown>;
  tags: string[];
  stdout: string;
  stderr: string;
  ignoreNonZeroExitCode: boolean;
  preCommand?: string;
  postCommand?: string;
  umask?: string;
  /** Resources.Runtime in seconds, when given. */
  runtimeSeconds?: number;
}

const bad = (why: string): never => {
  throw new HttpError(500, `Could not submit job: ${why}`);
};

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return bad(`${what} must be a string`);
}

const truthy = (v: unknown) => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');

/** `10`, `10s`, `10min`, `2h`, `1d` → seconds (UNICORE's Runtime syntax). */
function parseRuntime(v: unknown): number {
  const text = str(v, 'Resources.Runtime').trim();
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?$/i.exec(text);
  if (!m) return bad(`cannot parse Runtime "${text}" (use seconds, or a number with min, h or d)`);
  const unit = (m[2] ?? 's').toLowerCase();
  const scale = unit.startsWith('s') ? 1 : unit.startsWith('m') ? 60 : unit === 'h' ? 3600 : 86400;
  return Math.round(Number(m[1]) * scale);
}

function parseEnvironment(v: unknown, into: Record<string, string>): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    for (const item of v) {
      const text = str(item, 'Environment entry');
      const eq = text.indexOf('=');
      if (eq <= 0) bad(`Environment entry "${text}" is not K=V`);
      into[text.slice(0, eq)] = text.slice(eq + 1);
    }
    return;
  }
  for (const [k, val] of Object.entries(asObject(v, 'Environment'))) into[k] = str(val, `Environment.${k}`);
}

function parseJobType(v: unknown): JobType {
  const t = (v === undefined ? 'BATCH' : str(v, 'Job type')).toUpperCase();
  if (t === 'BATCH' || t === 'NORMAL') return 'BATCH';
  if (t === 'ON_LOGIN_NODE' || t === 'INTERACTIVE') return 'ON_LOGIN_NODE';
  if (t === 'RAW') return 'RAW';
  if (t === 'ALLOCATE' || t === 'ALLOCATE_ONLY') return 'ALLOCATE';
  return bad(`unknown Job type "${t}"`);
}

function parseImports(v: unknown): ImportSpec[] {
  if (v === undefined) return [];
  const entries: Record<string, unknown>[] = Array.isArray(v)
    ? v.map((e, i) => asObject(e, `Imports[${i}]`))
    : Object.entries(asObject(v, 'Imports')).map(([to, e]) =>
        typeof e === 'string' ? { From: e, To: to } : { To: to, ...asObject(e, `Imports.${to}`) });
  return entries.map((e, i) => {
    const to = e.To ?? e.file ?? e.target;
    if (to === undefined) bad(`Imports[${i}] has no "To"`);
    const from = e.From ?? e.source;
    const data = e.Data;
    const mode = String(e.Mode ?? 'overwrite').toLowerCase();
    if (!['overwrite', 'append', 'nooverwrite'].includes(mode)) bad(`Imports[${i}].Mode "${mode}" is unknown`);
    const spec: ImportSpec = {
      to: str(to, `Imports[${i}].To`),
      mode: mode as ImportSpec['mode'],
      failOnError: e.FailOnError === undefined ? true : truthy(e.FailOnError),
    };
    if (data !== undefined) {
      spec.data = Array.isArray(data) ? data.map((l) => str(l, 'Data line')).join('\n') : str(data, 'Data');
    } else if (from !== undefined && !String(from).startsWith('inline:')) {
      spec.from = str(from, `Imports[${i}].From`);
    } else {
      bad(`Imports[${i}] has neither "Data" nor a "From" URL`);
    }
    return spec;
  });
}

/** Reads a UNICORE job description (the keys pyunicore and the UNICORE docs use; unknown keys are ignored). */
export function parseDescription(raw: unknown): ParsedDescription {
  const d = asObject(raw, 'job description');
  const environment: Record<string, string> = {};
  parseEnvironment(d.Environment, environment);
  if (d.Parameters !== undefined) {
    for (const [k, v] of Object.entries(asObject(d.Parameters, 'Parameters'))) environment[k] = str(v, `Parameters.${k}`);
  }
  const args = d.Arguments === undefined ? [] : Array.isArray(d.Arguments)
    ? d.Arguments.map((a, i) => str(a, `Arguments[${i}]`)) : bad('Arguments must be an array');
  const resources = d.Resources === undefined ? {} : asObject(d.Resources, 'Resources');
  const jobType = parseJobType(d['Job type']);
  if (jobType === 'RAW' && d['BSS file'] === undefined) bad('Job type RAW needs "BSS file"');
  const exports = d.Exports;
  if (exports !== undefined && (!Array.isArray(exports) || exports.length > 0)) {
    bad('this test server does not perform Exports; download outputs from the working directory instead');
  }
  const out: ParsedDescription = {
    name: d.Name === undefined ? 'N/A' : str(d.Name, 'Name'),
    executable: d.Executable === undefined ? '' : str(d.Executable, 'Executable'),
    arguments: args,
    environment,
    jobType,
    haveClientStageIn: truthy(d.haveClientStageIn),
    imports: parseImports(d.Imports),
    resources,
    tags: d.Tags === undefined ? [] : Array.isArray(d.Tags) ? d.Tags.map((t) => str(t, 'Tags entry')) : bad('Tags must be an array'),
    stdout: d.Stdout === undefined ? 'stdout' : str(d.Stdout, 'Stdout'),
    stderr: d.Stderr === undefined ? 'stderr' : str(d.Stderr, 'Stderr'),
    ignoreNonZeroExitCode: truthy(d.IgnoreNonZeroExitCode),
  };
  if (out.executable === '' && jobType !== 'ALLOCATE') bad('no Executable given');
  if (d['User precommand'] !== undefined) out.preCommand = str(d['User precommand'], 'User precommand');
  if (d['User postcommand'] !== undefined) out.postCommand = str(d['User postcommand'], 'User postcommand');
  if (d.Umask !== undefined) out.umask = str(d.Umask, 'Umask');
  if (resources.Runtime !== undefined) out.runtimeSeconds = parseRuntime(resources.Runtime);
  for (const f of [out.stdout, out.stderr, ...out.imports.map((i) => i.to)]) {
    if (f.split('/').includes('..')) bad(`file name "${f}" leaves the working directory`);
  }
  if (out.umask !== undefined && !/^[0-7]{3,4}$/.test(out.umask)) bad(`Umask "${out.umask}" is not octal`);
  return out;
}
