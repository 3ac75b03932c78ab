import { mean } from '../diagnostics/recovery.js';
import type { StudySummary } from '../diagnostics/study-summary.js';

/** The headline numbers of a study (what `--json` prints; summary.json keeps everything). */
export function compactSummary(s: StudySummary) {
  return {
    title: s.title,
    parameters: s.parameters,
    budgets: s.budgets,
    featureSets: s.featureSets,
    recommendations: s.recommendations,
    cells: s.cells.map((c) => ({
      featureSet: c.featureSet,
      budget: c.budget,
      testCases: c.nCases,
      meanShrinkage: mean(c.perParameter.map((p) => p.meanShrinkage)),
      meanZ: mean(c.perParameter.map((p) => p.meanZ)),
      sbcCalibrated: c.sbcCalibrated,
      perParameter: c.perParameter.map((p) => ({
        name: p.name,
        meanShrinkage: p.meanShrinkage,
        meanZ: p.meanZ,
        sbcKsPValue: p.sbc.ksPValue,
        sbcChi2PValue: p.sbc.chi2PValue,
        coverageAtc: p.coverage.atc,
      })),
      tarpAtc: c.tarp.atc,
      trainSeconds: c.trainSeconds,
    })),
    ...(s.ppc ? { ppc: s.ppc.map((c) => ({ featureSet: c.featureSet, budget: c.budget, testCase: c.testCase, passed: c.result.passed, pValues: c.result.features.map((f) => f.pValue) })) } : {}),
    facts: s.facts,
  };
}

/** One line per cell, for the terminal. */
export function summaryLines(s: StudySummary): string[] {
  const lines = compactSummary(s).cells.map(
    (c) => `${c.featureSet.padEnd(24)} ${String(c.budget).padStart(7)}  shrinkage ${c.meanShrinkage.toFixed(3)}  z ${c.meanZ.toFixed(2)}  SBC ${c.sbcCalibrated ? 'ok' : 'MISCALIBRATED'}`,
  );
  for (const r of s.recommendations) lines.push(`recommended budget for ${r.featureSet}: ${r.budget} (${r.reason})`);
  return lines;
}
