import { mean } from './recovery.js';
import { coverageSpec, posteriorVsBudgetSpec, renderSvg, sbcHistogramSpec, shrinkageVsBudgetSpec, zVsShrinkageSpec } from './plots.js';
import type { StudySummary } from './study-summary.js';

/**
 * The self-contained validation report: one HTML file with inline SVG figures (rendered by vega in Node)
 * and the numbers as tables — no scripts, no external files, so it opens offline and can be archived.
 */

function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

function table(head: string[], rows: Array<Array<string | number>>, className = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? esc(fmt(c)) : esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function figure(id: string, svg: string, caption: string): string {
  return `<figure class="plot" id="${esc(id)}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:0.5rem 0 1rem;font-size:0.9rem}
th,td{border:1px solid #ccc;padding:0.2rem 0.6rem;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
figure.plot{margin:1rem 0;overflow-x:auto}figcaption{font-size:0.85rem;color:#555}
.ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}
`;

export async function renderReport(study: StudySummary): Promise<string> {
  const largest = study.budgets[study.budgets.length - 1]!;
  const overview = table(
    ['item', 'value'],
    [
      ['parameters', study.parameters.join(', ')],
      ['feature sets', study.featureSets.join(' | ')],
      ['budgets', study.budgets.join(', ')],
      ['held-out test cases', study.cells[0]?.nCases ?? 0],
      ['posterior samples per case', study.cells[0]?.samplesPerCase ?? 0],
      ...Object.entries(study.facts).map(([k, v]): [string, string | number] => [k, v]),
    ],
  );
  const recommendations = table(
    ['features', 'recommended budget', 'mean shrinkage there', 'best mean shrinkage', 'why'],
    study.recommendations.map((r) => [r.featureSet, r.budget, r.meanShrinkage, r.bestMeanShrinkage, r.reason]),
  );
  const cellRows = study.cells.flatMap((c) =>
    c.perParameter.map((p) => [
      c.featureSet,
      c.budget,
      p.name,
      p.meanShrinkage,
      p.medianShrinkage,
      p.meanZ,
      p.medianZ,
      p.sbc.ksPValue,
      p.sbc.chi2PValue,
      p.coverage.atc,
      c.tarp.atc,
      c.trainSeconds !== undefined ? c.trainSeconds.toFixed(1) : '',
    ]),
  );
  const cells = table(
    ['features', 'budget', 'parameter', 'mean shrinkage', 'median shrinkage', 'mean z', 'median z', 'SBC KS p', 'SBC χ² p', 'coverage ATC', 'TARP ATC', 'train s'],
    cellRows,
    'cells',
  );
  const verdict = study.cells
    .filter((c) => c.budget === largest)
    .map((c) => {
      const s = mean(c.perParameter.map((p) => p.meanShrinkage));
      const z = mean(c.perParameter.map((p) => p.meanZ));
      const p = Math.min(...c.perParameter.map((q) => q.sbc.ksPValue));
      const cls = c.sbcCalibrated ? 'ok' : 'bad';
      return `<li>${esc(c.featureSet)}: mean shrinkage ${fmt(s)}, mean z ${fmt(z)}, smallest SBC p ${fmt(p)} — <span class="${cls}">${c.sbcCalibrated ? 'no miscalibration detected' : 'miscalibrated'}</span></li>`;
    })
    .join('\n');

  const ppc = study.ppc?.length
    ? `<h2>Posterior predictive checks</h2>\n<p>Features re-simulated from posterior samples of held-out cases; the observation should lie inside the central ${esc(
        (study.ppc[0]!.result.level * 100).toFixed(0),
      )} % of the predicted values.</p>\n${table(
        ['features', 'budget', 'case', 'θ*', 'feature', 'observed', 'predicted mean', 'predicted sd', 'quantile', 'p', 'inside'],
        study.ppc.flatMap((c) =>
          c.result.features.map((f) => [c.featureSet, c.budget, c.testCase + 1, c.truth.map((t) => fmt(t)).join(', '), f.name, f.observed, f.predictedMean, f.predictedSd, f.quantile, f.pValue, f.inside ? 'yes' : 'NO']),
        ),
        'ppc',
      )}`
    : '';
  const figures: string[] = [];
  for (let k = 0; k < study.parameters.length; k++) {
    figures.push(figure(`posterior-${k}`, await renderSvg(posteriorVsBudgetSpec(study, k)), `Posterior of ${study.parameters[k]} for three held-out ground truths (red tick) at every budget.`));
  }
  figures.push(figure('shrinkage', await renderSvg(shrinkageVsBudgetSpec(study)), 'Mean posterior shrinkage over the held-out cases.'));
  figures.push(figure('z-shrinkage', await renderSvg(zVsShrinkageSpec(study)), 'Good posteriors sit bottom right: high shrinkage, small z.'));
  figures.push(figure('sbc', await renderSvg(sbcHistogramSpec(study, largest)), 'Ranks of θ* among the posterior samples; the dashed line is the count expected under calibration.'));
  figures.push(figure('coverage', await renderSvg(coverageSpec(study, largest)), 'Fraction of held-out θ* inside the credible region of each level.'));

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(study.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(study.title)}</h1>
<h2>Overview</h2>
${overview}
<h2>Verdict at ${largest} simulations</h2>
<ul>${verdict}</ul>
<h2>Recommended simulation budget</h2>
${recommendations}
<h2>Figures</h2>
${figures.join('\n')}
<h2>All cells</h2>
${cells}
${ppc}
<p>Shrinkage s = 1 − σ²<sub>post</sub>/σ²<sub>prior</sub>; z = |μ<sub>post</sub> − θ*|/σ<sub>post</sub>; SBC p-values test
uniformity of the ranks (KS and χ²); ATC is the area between the coverage curve and the diagonal over levels ≥ 0.5
(negative = over-confident). See docs/diagnostics.md.</p>
</body></html>
`;
}
