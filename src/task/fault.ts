/**
 * Fault injection for the sweep's own tests, active only when HPCINV_FAULT is set:
 * `HPCINV_FAULT=<chunk>:<attempt>:<mode>[,...]` makes that attempt of that chunk, after its first
 * simulation batch,
 *  - `exit`: exit with status 1 (a crashing task);
 *  - `kill`: SIGKILL itself (the OOM killer, a lost node).
 * Real failures are exercised too (tests SIGKILL real task processes and corrupt real files); this hook
 * only makes the moment deterministic. Without the variable it does nothing.
 */
export function injectFault(chunk: number, attempt: number): void {
  const spec = process.env.HPCINV_FAULT;
  if (!spec) return;
  for (const item of spec.split(',')) {
    const [c, a, mode] = item.split(':');
    if (Number(c) !== chunk || Number(a) !== attempt) continue;
    process.stderr.write(`HPCINV_FAULT: ${mode} in chunk ${chunk} attempt ${attempt}\n`);
    if (mode === 'kill') process.kill(process.pid, 'SIGKILL');
    if (mode === 'exit') process.exit(1);
  }
}
