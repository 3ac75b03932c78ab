/**
 * Where the numbers of a cost estimate come from: the backend's site profile (cores per task, throttle,
 * budget) or, for the local backend, this machine. Shared by `hpcinv plan` and `hpcinv submit`.
 */
import { availableParallelism } from 'node:os';
import type { Experiment } from '../experiment/schema.js';
import { loadSite } from '../sites/load.js';
import { DEFAULT_CONFIRM_ABOVE } from './budget-schema.js';

export interface CostContext {
  backend: string;
  site?: string;
  coresPerTask: number;
  concurrency: number;
  budgetCoreHours?: number;
  confirmAboveCoreHours: number;
}

export function costContext(exp: Experiment, opts: { backend?: string; site?: string; concurrency?: number; budget?: number }): CostContext {
  const backend = opts.backend ?? exp.backend.name;
  const siteName = opts.site ?? (typeof exp.backend.site === 'string' ? exp.backend.site : undefined) ?? (backend === 'slurm' ? process.env.HPCINV_SITE : undefined);
  if (siteName && backend !== 'local') {
    const profile = exp.backend.profile;
    const site = loadSite(siteName, typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>) : {});
    const p = site.profile;
    return {
      backend,
      site: site.name,
      coresPerTask: p.slurm.cpusPerTask,
      // Unthrottled arrays run as wide as the scheduler lets them; the estimate assumes the throttle or 100.
      concurrency: opts.concurrency ?? exp.backend.concurrency ?? p.slurm.maxConcurrent ?? 100,
      budgetCoreHours: opts.budget ?? p.budget.coreHours,
      confirmAboveCoreHours: p.budget.confirmAboveCoreHours,
    };
  }
  return {
    backend,
    coresPerTask: 1,
    concurrency: opts.concurrency ?? exp.backend.concurrency ?? availableParallelism(),
    budgetCoreHours: opts.budget,
    confirmAboveCoreHours: DEFAULT_CONFIRM_ABOVE,
  };
}
