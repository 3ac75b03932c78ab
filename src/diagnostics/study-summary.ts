import { InputError } from '../errors.js';
import { centralIntervalLevel, coverageCurve, tarp, type CoverageCurve } from './coverage.js';
import { recovery, mean } from './recovery.js';
import { recommendBudget, type BudgetRecommendation } from './recommend.js';
import { sbcRanks, sbcUniformity, type SbcUniformity } from './sbc.js';
import type { PpcResult } from './ppc.js';

/**
 * Turns posterior samples on held-out test cases into every number the validation report shows, for
 * one (budget, feature set) cell at a time. Works on plain arrays so that the report can be fed by
 * `hpcinv validate` or by any other source of posterior samples.
 */
export interface TestCaseInput {
  truth: ArrayLike<number>;
  /** Row-major L × dim posterior samples given this case's simulated features. */
  samples: Float64Array;
}

export interface CellInput {
  budget: number;
  featureSet: string;
  cases: TestCaseInput[];
  /** Wall time of training this cell's posterior, if known. */
  trainSeconds?: number;
}

export interface CaseSummary {
  truth: number[];
  mean: number[];
  sd: number[];
  shrinkage: number[];
  z: number[];
  /** Posterior 5, 25, 50, 75, 95 % quantiles per parameter. */
  quantiles: number[][];
}

export interface ParameterSummary {
  name: string;
  meanShrinkage: number;
  medianShrinkage: number;
  meanZ: number;
  medianZ: number;
  sbc: SbcUniformity;
  /** Expected coverage of central marginal intervals (from the SBC ranks). */
  coverage: CoverageCurve;
}

export interface CellSummary {
  budget: number;
  featureSet: string;
  nCases: number;
  samplesPerCase: number;
  perParameter: ParameterSummary[];
  /** Joint calibration over all parameters (needs no density). */
  tarp: CoverageCurve;
  /** Every parameter's SBC KS p-value ≥ 0.05. */
  sbcCalibrated: boolean;
  cases: CaseSummary[];
  trainSeconds?: number;
}

export interface StudySummary {
  title: string;
  parameters: string[];
  featureSets: string[];
  budgets: number[];
  cells: CellSummary[];
  /** Per feature set: the budget beyond which mean shrinkage (averaged over parameters) stops improving. */
  recommendations: Array<{ featureSet: string } & BudgetRecommendation>;
  /** Free-form facts shown in the report's overview (experiment, runtime, backend...). */
  facts: Record<string, string | number>;
  /** Posterior predictive checks of a few held-out cases (optional: they cost new simulations). */
  ppc?: PpcCase[];
}

export interface PpcCase {
  featureSet: string;
  budget: number;
  testCase: number;
  truth: number[];
  result: PpcResult;
}

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function median(values: number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

export function summariseCell(
  cell: CellInput,
  parameters: string[],
  priorVariance: number[],
  options: { tarpSeed?: number } = {},
): CellSummary {
  const dim = parameters.length;
  if (cell.cases.length < 2) {
    throw new InputError(`cell budget=${cell.budget} ${cell.featureSet}: ${cell.cases.length} test cases — fix: hold out at least 2 (≥ 100 for calibration)`);
  }
  const L = cell.cases[0]!.samples.length / dim;
  const cases: CaseSummary[] = [];
  const ranks: number[][] = [];
  for (const c of cell.cases) {
    if (c.samples.length !== L * dim) {
      throw new InputError(`cell budget=${cell.budget} ${cell.featureSet}: test cases have different sample counts — fix: draw the same number per case`);
    }
    const rec = recovery(c.samples, dim, c.truth, priorVariance);
    const quantiles: number[][] = [];
    for (let k = 0; k < dim; k++) {
      const col = new Float64Array(L);
      for (let i = 0; i < L; i++) col[i] = c.samples[i * dim + k]!;
      col.sort();
      quantiles.push(QUANTILES.map((q) => quantile(col, q)));
    }
    cases.push({
      truth: Array.from(c.truth),
      mean: rec.map((r) => r.mean),
      sd: rec.map((r) => r.sd),
      shrinkage: rec.map((r) => r.shrinkage),
      z: rec.map((r) => r.z),
      quantiles,
    });
    ranks.push(sbcRanks(c.samples, dim, c.truth));
  }
  const sbc = sbcUniformity(ranks, L);
  const perParameter: ParameterSummary[] = parameters.map((name, k) => {
    const s = cases.map((c) => c.shrinkage[k]!);
    const z = cases.map((c) => c.z[k]!);
    return {
      name,
      meanShrinkage: mean(s),
      medianShrinkage: median(s),
      meanZ: mean(z),
      medianZ: median(z),
      sbc: sbc.perParameter[k]!,
      coverage: coverageCurve(ranks.map((r) => centralIntervalLevel(r[k]!, L))),
    };
  });
  return {
    budget: cell.budget,
    featureSet: cell.featureSet,
    nCases: cases.length,
    samplesPerCase: L,
    perParameter,
    tarp: tarp(cell.cases, dim, { seed: options.tarpSeed ?? 1 }),
    sbcCalibrated: sbc.calibrated,
    cases,
    ...(cell.trainSeconds !== undefined ? { trainSeconds: cell.trainSeconds } : {}),
  };
}

/** Assemble the study from its cells and add the budget recommendation per feature set. */
export function summariseStudy(
  title: string,
  parameters: string[],
  cells: CellSummary[],
  facts: Record<string, string | number> = {},
  tolerance = 0.02,
): StudySummary {
  const featureSets = [...new Set(cells.map((c) => c.featureSet))];
  const budgets = [...new Set(cells.map((c) => c.budget))].sort((a, b) => a - b);
  const recommendations = featureSets.map((featureSet) => ({
    featureSet,
    ...recommendBudget(
      cells
        .filter((c) => c.featureSet === featureSet)
        .map((c) => ({ budget: c.budget, meanShrinkage: mean(c.perParameter.map((p) => p.meanShrinkage)) })),
      tolerance,
    ),
  }));
  return { title, parameters, featureSets, budgets, cells, recommendations, facts };
}
