import { HpcinvError } from '../errors.js';

/**
 * Runs are compatible across patch releases; a different minor (while 0.x) or major version may change
 * the run directory, the experiment schema or the numbers, so a task refuses to mix them: a dataset must
 * not silently contain chunks simulated by two different simulators.
 */
export function isCompatible(runVersion: string, ours: string): boolean {
  const a = runVersion.split('.').map(Number);
  const b = ours.split('.').map(Number);
  if (a.length < 2 || b.length < 2 || a.some(Number.isNaN) || b.some(Number.isNaN)) return runVersion === ours;
  return a[0] === b[0] && (a[0] !== 0 || a[1] === b[1]);
}

export function assertCompatible(runVersion: string, ours: string, where: string): void {
  if (!isCompatible(runVersion, ours)) {
    throw new HpcinvError(
      `${where} was made by hpcinv ${runVersion}, this is hpcinv ${ours}: the versions are incompatible — fix: run the task with hpcinv ${runVersion} (e.g. the container or module the run was started with), or start a new run with this version`,
      2,
    );
  }
}
