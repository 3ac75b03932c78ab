import { InputError } from '../errors.js';

/**
 * The simulation budget beyond which posterior shrinkage stops improving: the smallest budget whose mean
 * shrinkage is within `tolerance` of the best mean shrinkage reached at this or any larger budget.
 * Measuring against every larger budget (not just the next one) keeps a noisy dip from ending the
 * search early.
 */
export interface BudgetPoint {
  budget: number;
  meanShrinkage: number;
}

export interface BudgetRecommendation {
  budget: number;
  meanShrinkage: number;
  bestMeanShrinkage: number;
  tolerance: number;
  /** True when the largest budget tried is the one recommended: more simulations might still help. */
  atLargestBudget: boolean;
  reason: string;
}

export function recommendBudget(points: BudgetPoint[], tolerance = 0.02): BudgetRecommendation {
  if (points.length === 0) throw new InputError('budget recommendation: no budgets evaluated — fix: pass at least one budget');
  const sorted = [...points].sort((a, b) => a.budget - b.budget);
  const best = Math.max(...sorted.map((p) => p.meanShrinkage));
  // The largest budget always qualifies (nothing larger to compare with), so the search always ends.
  const i = sorted.findIndex((p, j) => Math.max(...sorted.slice(j).map((q) => q.meanShrinkage)) - p.meanShrinkage <= tolerance);
  const p = sorted[i]!;
  const laterBest = Math.max(...sorted.slice(i).map((q) => q.meanShrinkage));
  const atLargestBudget = i === sorted.length - 1;
  const reason = atLargestBudget
    ? `shrinkage still improved up to the largest budget (${p.budget}); try larger budgets`
    : `larger budgets raise mean shrinkage by at most ${(laterBest - p.meanShrinkage).toFixed(3)} (tolerance ${tolerance})`;
  return { budget: p.budget, meanShrinkage: p.meanShrinkage, bestMeanShrinkage: best, tolerance, atLargestBudget, reason };
}
