/**
 * Deterministic fault injection for client tests: each rule matches requests by method and a path
 * pattern (relative to BASE, e.g. `^/jobs$`) and fires for its next `count` matches.
 *
 * - `status`: answer with `status` (e.g. 503) without doing the work;
 * - `drop-before`: close the connection without doing the work;
 * - `drop-after`: do the work, then close the connection instead of answering (the classic
 *   "did my submission go through?" case);
 * - `delay`: do the work after `delayMs` (for client timeouts).
 */
export type FaultKind = 'status' | 'drop-before' | 'drop-after' | 'delay';

export interface FaultRule {
  kind: FaultKind;
  method?: string;
  path?: RegExp;
  count: number;
  status?: number;
  delayMs?: number;
}

/** Knobs a test (or the CLI) may turn while the server runs. */
export interface ServerKnobs {
  /** Time a started job spends QUEUED before it runs. */
  queueDelayMs: number;
  /** Jobs allowed to run at once (the "batch system" size); others wait QUEUED. */
  maxRunning: number;
  /** `false` → POST jobs answers 503 "job submission disabled". */
  submissionEnabled: boolean;
  /** The next N jobs that reach RUNNING are failed by the "batch system" (node failure) after starting. */
  failNextJobs: number;
  faults: FaultRule[];
}

export function defaultKnobs(): ServerKnobs {
  return { queueDelayMs: 0, maxRunning: 4, submissionEnabled: true, failNextJobs: 0, faults: [] };
}

/** Finds and consumes the first armed rule matching the request. */
export function takeFault(knobs: ServerKnobs, method: string, path: string): FaultRule | null {
  for (const rule of knobs.faults) {
    if (rule.count <= 0) continue;
    if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
    if (rule.path && !rule.path.test(path)) continue;
    rule.count -= 1;
    return rule;
  }
  return null;
}

/**
 * Parses the CLI form `KIND:METHOD:PATH_REGEX:COUNT[:STATUS_OR_DELAY]`, e.g. `status:POST:^/jobs$:2:503`
 * or `drop-after:POST:^/jobs$:1`.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const parts = spec.split(':');
  const [kind, method, path, count, extra] = parts;
  const kinds: FaultKind[] = ['status', 'drop-before', 'drop-after', 'delay'];
  if (parts.length < 4 || !kinds.includes(kind as FaultKind) || !/^\d+$/.test(count ?? '')) {
    throw new Error(`bad fault "${spec}" — fix: write KIND:METHOD:PATH_REGEX:COUNT[:STATUS_OR_DELAY_MS] ` +
      `with KIND one of ${kinds.join(', ')}, e.g. status:POST:^/jobs$:2:503`);
  }
  const rule: FaultRule = { kind: kind as FaultKind, count: Number(count) };
  if (method && method !== '*') rule.method = method;
  if (path) rule.path = new RegExp(path);
  if (kind === 'status') rule.status = Number(extra ?? 503);
  if (kind === 'delay') rule.delayMs = Number(extra ?? 1000);
  return rule;
}
