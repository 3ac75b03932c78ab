import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { StudySummary } from './study-summary.js';

/**
 * The report's figures as vega-lite specifications, rendered to SVG strings headless in Node
 * (`renderer: 'none'` + `View.toSVG()`: no canvas, no browser). Each builder only reshapes the study
 * summary into a flat table; vega-lite draws it.
 */

const WIDTH = 220;
const HEIGHT = 180;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The deliverable's Figure 2: for a few example test cases, posterior of parameter `k` against the
 * budget — 5–95 % whisker, 25–75 % box, median dot, true value as a tick — one panel per feature set.
 */
export function posteriorVsBudgetSpec(study: StudySummary, k: number, exampleCases = 3): TopLevelSpec {
  const values = study.cells.flatMap((cell) =>
    cell.cases.slice(0, exampleCases).map((c, i) => {
      const [q05, q25, q50, q75, q95] = c.quantiles[k]!;
      return { featureSet: cell.featureSet, budget: cell.budget, testCase: `case ${i + 1}`, q05, q25, q50, q75, q95, truth: c.truth[k] };
    }),
  );
  const x = { field: 'budget', type: 'ordinal' as const, title: 'simulations' };
  const color = { field: 'testCase', type: 'nominal' as const, title: 'held-out θ*' };
  const xOffset = { field: 'testCase', type: 'nominal' as const };
  const name = study.parameters[k]!;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `posterior of ${name} against the simulation budget`,
    data: { values },
    facet: { column: { field: 'featureSet', type: 'nominal', title: 'features', sort: study.featureSets } },
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        { mark: { type: 'rule' }, encoding: { x, xOffset, color, y: { field: 'q05', type: 'quantitative', title: name }, y2: { field: 'q95' } } },
        { mark: { type: 'bar', size: 6 }, encoding: { x, xOffset, color, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' } } },
        { mark: { type: 'point', filled: true, color: 'black', size: 12 }, encoding: { x, xOffset, y: { field: 'q50', type: 'quantitative' } } },
        { mark: { type: 'tick', thickness: 2, color: 'crimson' }, encoding: { x, xOffset, y: { field: 'truth', type: 'quantitative' } } },
      ],
    },
  };
}

/** Figure 3 (left): mean shrinkage against budget, one line per feature set and parameter. */
export function shrinkageVsBudgetSpec(study: StudySummary): TopLevelSpec {
  const values = study.cells.flatMap((cell) =>
    cell.perParameter.map((p) => ({ featureSet: cell.featureSet, parameter: p.name, budget: cell.budget, shrinkage: p.meanShrinkage, z: p.meanZ })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'mean posterior shrinkage against the simulation budget',
    width: WIDTH * 1.6,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'budget', type: 'quantitative', scale: { type: 'log' }, title: 'simulations' },
      y: { field: 'shrinkage', type: 'quantitative', scale: { domain: [0, 1] }, title: 'mean shrinkage' },
      color: { field: 'featureSet', type: 'nominal', title: 'features' },
      ...(study.parameters.length > 1 ? { strokeDash: { field: 'parameter', type: 'nominal' as const } } : {}),
    },
  };
}

/** Figure 3 (right): z-score against shrinkage, one dot per held-out case, one panel per budget. */
export function zVsShrinkageSpec(study: StudySummary): TopLevelSpec {
  const values = study.cells.flatMap((cell) =>
    cell.cases.flatMap((c) => study.parameters.map((name, k) => ({ featureSet: cell.featureSet, budget: cell.budget, parameter: name, shrinkage: c.shrinkage[k], z: c.z[k] }))),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'posterior z-score against shrinkage (one dot per held-out θ*)',
    data: { values },
    facet: { field: 'budget', type: 'ordinal', title: 'simulations' },
    columns: 4,
    spec: {
      width: WIDTH * 0.8,
      height: HEIGHT * 0.8,
      mark: { type: 'point', opacity: 0.6, size: 14 },
      encoding: {
        x: { field: 'shrinkage', type: 'quantitative', scale: { domain: [-0.2, 1], clamp: true }, title: 'shrinkage' },
        y: { field: 'z', type: 'quantitative', scale: { domain: [0, 6], clamp: true }, title: 'z-score' },
        color: { field: 'featureSet', type: 'nominal', title: 'features' },
        shape: { field: 'parameter', type: 'nominal' },
      },
    },
  };
}

/** SBC rank histograms for the given budget: one panel per feature set × parameter, dashed expected count. */
export function sbcHistogramSpec(study: StudySummary, budget: number): TopLevelSpec {
  const values = study.cells
    .filter((c) => c.budget === budget)
    .flatMap((cell) =>
      cell.perParameter.flatMap((p) =>
        p.sbc.histogram.map((count, b) => ({
          panel: `${cell.featureSet} · ${p.name}`,
          lo: b / p.sbc.bins,
          hi: (b + 1) / p.sbc.bins,
          count,
          expected: cell.nCases / p.sbc.bins,
        })),
      ),
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `SBC rank histograms at ${budget} simulations (uniform if calibrated)`,
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: WIDTH * 0.8,
      height: HEIGHT * 0.6,
      layer: [
        // The histogram is already binned (sbcUniformity chose the bins), so bars span [lo, hi) as given.
        { mark: { type: 'bar', color: 'steelblue', stroke: 'white' }, encoding: { x: { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] }, title: 'normalised rank' }, x2: { field: 'hi' }, y: { field: 'count', type: 'quantitative', title: 'count' }, y2: { datum: 0 } } },
        { mark: { type: 'rule', strokeDash: [4, 3], color: 'black' }, encoding: { y: { field: 'expected', type: 'quantitative', aggregate: 'mean' } } },
      ],
    },
  };
}

/** Expected coverage of central marginal intervals and TARP at the given budget, with the diagonal. */
export function coverageSpec(study: StudySummary, budget: number): TopLevelSpec {
  const values = study.cells
    .filter((c) => c.budget === budget)
    .flatMap((cell) => [
      ...cell.perParameter.flatMap((p) => p.coverage.alpha.map((a, j) => ({ method: `marginal ${p.name}`, featureSet: cell.featureSet, alpha: a, ecp: p.coverage.ecp[j] }))),
      ...cell.tarp.alpha.map((a, j) => ({ method: 'TARP (joint)', featureSet: cell.featureSet, alpha: a, ecp: cell.tarp.ecp[j] })),
    ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `expected coverage at ${budget} simulations (diagonal = calibrated, below = over-confident)`,
    data: { values },
    facet: { column: { field: 'featureSet', type: 'nominal', title: 'features', sort: study.featureSets } },
    spec: {
      width: HEIGHT,
      height: HEIGHT,
      layer: [
        { mark: { type: 'line' }, encoding: { x: { field: 'alpha', type: 'quantitative', title: 'credibility level' }, y: { field: 'ecp', type: 'quantitative', title: 'expected coverage' }, color: { field: 'method', type: 'nominal' } } },
        { mark: { type: 'line', strokeDash: [4, 3], color: 'gray' }, encoding: { x: { field: 'alpha', type: 'quantitative' }, y: { field: 'alpha', type: 'quantitative' } } },
      ],
    },
  };
}
