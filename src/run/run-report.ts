/**
 * The report of `hpcinv run`: one self-contained HTML file (inline SVG, no scripts) with the posterior
 * of every parameter for the observation (histogram, 95 % interval, ground truth), the observed features
 * against the range the training simulations covered, and how the run was made.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../diagnostics/plots.js';
import type { ParameterPosterior } from './posterior-summary.js';

export interface RunReportInput {
  title: string;
  summary: ParameterPosterior[];
  /** Row-major n × parameters posterior samples. */
  samples: Float64Array;
  prior: { lower: ArrayLike<number>; upper: ArrayLike<number> };
  observed: Record<string, number>;
  /** Per feature: min and max over the training simulations. */
  trainingRange: Record<string, [number, number]>;
  facts: Record<string, string | number>;
}

function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function num(x: number | undefined): string {
  if (x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toPrecision(4);
}

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Histogram of one parameter's samples over the prior range, with the 95 % interval and the truth. */
function histogramSpec(name: string, values: number[], lo: number, hi: number, s: ParameterPosterior): TopLevelSpec {
  const finite = Number.isFinite(lo) && Number.isFinite(hi);
  const rules = [
    { x: s.lower95, what: '95% interval' },
    { x: s.upper95, what: '95% interval' },
    ...(s.truth !== undefined ? [{ x: s.truth, what: 'ground truth' }] : []),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 420,
    height: 200,
    title: name,
    layer: [
      {
        data: { values: values.map((v) => ({ v })) },
        mark: 'bar',
        encoding: {
          x: { field: 'v', type: 'quantitative', bin: { maxbins: 60, ...(finite ? { extent: [lo, hi] } : {}) }, title: name, ...(finite ? { scale: { domain: [lo, hi] } } : {}) },
          y: { aggregate: 'count', type: 'quantitative', title: 'posterior samples' },
          color: { value: '#7aa6d6' },
        },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          color: { field: 'what', type: 'nominal', scale: { domain: ['95% interval', 'ground truth'], range: ['#555', '#c62828'] }, title: null },
          strokeDash: { condition: { test: "datum.what === '95% interval'", value: [4, 3] }, value: [1, 0] },
        },
      },
    ],
  } as TopLevelSpec;
}

export async function renderRunReport(input: RunReportInput): Promise<string> {
  const d = input.summary.length;
  const n = input.samples.length / d;
  const figures: string[] = [];
  for (let j = 0; j < d; j++) {
    const s = input.summary[j]!;
    const col = Array.from({ length: Math.min(n, 20000) }, (_, i) => input.samples[i * d + j]!);
    const svg = await renderSvg(histogramSpec(s.parameter, col, input.prior.lower[j]!, input.prior.upper[j]!, s));
    figures.push(`<figure>${svg}<figcaption>Posterior of ${esc(s.parameter)} given the observation (${n} samples), drawn over the prior range.</figcaption></figure>`);
  }
  const posteriorTable = table(
    ['parameter', 'mean', 'sd', 'median', '2.5 %', '97.5 %', 'ground truth', 'covered by 95 %'],
    input.summary.map((s) => [s.parameter, num(s.mean), num(s.sd), num(s.median), num(s.lower95), num(s.upper95), num(s.truth), s.covered === undefined ? '–' : s.covered ? 'yes' : 'NO']),
  );
  const featureTable = table(
    ['feature', 'observed', 'training min', 'training max', 'inside'],
    Object.entries(input.observed).map(([f, v]) => {
      const [lo, hi] = input.trainingRange[f] ?? [NaN, NaN];
      return [f, num(v), num(lo), num(hi), v >= lo && v <= hi ? 'yes' : 'NO — the posterior extrapolates'];
    }),
  );
  const facts = table(['item', 'value'], Object.entries(input.facts).map(([k, v]) => [k, String(v)]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.2rem .6rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figcaption{font-size:.85rem;color:#555}</style></head>
<body><h1>${esc(input.title)}</h1>
<h2>Posterior</h2>${posteriorTable}
${figures.join('\n')}
<h2>Observed features</h2><p>The posterior is only trustworthy where the observation lies inside what the training simulations produced.</p>${featureTable}
<h2>Run</h2>${facts}
</body></html>
`;
}
