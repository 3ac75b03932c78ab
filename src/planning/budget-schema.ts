import { z } from 'zod';

/** Without a site profile (the local backend) `submit` asks above this many core-hours. */
export const DEFAULT_CONFIRM_ABOVE = 100;

/**
 * The `budget` section of a site profile: what `hpcinv plan` checks an estimate against and when
 * `hpcinv submit` asks before submitting. Core-hours are what allocations are counted in.
 */
export const budgetSchema = z.strictObject({
  /** Core-hours the project may spend on one sweep (unset: no limit is checked). */
  coreHours: z.number({ error: 'budget.coreHours must be a number — fix: e.g. coreHours: 5000' }).positive({ error: 'budget.coreHours must be > 0 — fix: e.g. coreHours: 5000' }).optional(),
  /** `submit` asks for confirmation (or --yes) when the remaining sweep is estimated above this. */
  confirmAboveCoreHours: z
    .number({ error: 'budget.confirmAboveCoreHours must be a number — fix: e.g. confirmAboveCoreHours: 100' })
    .min(0, { error: 'budget.confirmAboveCoreHours must be ≥ 0 — fix: e.g. confirmAboveCoreHours: 100' })
    .default(DEFAULT_CONFIRM_ABOVE),
});

export type BudgetSection = z.infer<typeof budgetSchema>;
