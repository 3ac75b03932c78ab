/**
 * The report of `hpcinv run`: one self-contained HTML file (inline SVG, no scripts) with the posterior
 * of every parameter for each observation — a synthetic one (histogram, 95 % interval, ground truth and
 * whether it is covered) or empirical subjects (histogram for one, median and 95 % interval per subject
 * for several; no ground truth, so no coverage) — the observed features against the range the training
 * simulations covered, and how the run was made.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../diagnostics/plots.js';
import type { ParameterPosterior } from './posterior-summary.js';

/** One observation's posterior: the synthetic observation, or one subject. */
export interface ReportObservation {
  name: string;
  summary: ParameterPosterior[];
  /** Row-major n × parameters posterior samples. */
  samples: Float64Array;
  observed: Record<string, number>;
}

export interface RunReportInput {
  title: string;
  observations: ReportObservation[];
  /** Said above the posterior, e.g. that empirical data has no ground truth to check. */
  note?: string;
  prior: { lower: ArrayLike<number>; upper: ArrayLike<number> };
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

/** Median and 95 % interval of one parameter per subject, over the prior range. */
function intervalSpec(name: string, rows: { subject: string; s: ParameterPosterior }[], lo: number, hi: number): TopLevelSpec {
  const finite = Number.isFinite(lo) && Number.isFinite(hi);
  const x = { type: 'quantitative' as const, title: name, ...(finite ? { scale: { domain: [lo, hi] } } : {}) };
  const y = { field: 'subject', type: 'nominal' as const, sort: null, title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 420,
    height: { step: 18 },
    title: name,
    data: { values: rows.map(({ subject, s }) => ({ subject, median: s.median, lower95: s.lower95, upper95: s.upper95 })) },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2, color: '#7aa6d6' }, encoding: { y, x: { field: 'lower95', ...x }, x2: { field: 'upper95' } } },
      { mark: { type: 'point', filled: true, color: '#222' }, encoding: { y, x: { field: 'median', ...x } } },
    ],
  } as TopLevelSpec;
}

export async function renderRunReport(input: RunReportInput): Promise<string> {
  const obs = input.observations;
  const several = obs.length > 1;
  const parameters = obs[0]!.summary.map((s) => s.parameter);
  const d = parameters.length;
  const figures: string[] = [];
  for (let j = 0; j < d; j++) {
    const [lo, hi] = [input.prior.lower[j]!, input.prior.upper[j]!];
    if (several) {
      const svg = await renderSvg(intervalSpec(parameters[j]!, obs.map((o) => ({ subject: o.name, s: o.summary[j]! })), lo, hi));
      figures.push(`<figure>${svg}<figcaption>Posterior median (dot) and central 95 % interval (bar) of ${esc(parameters[j]!)} per subject, over the prior range.</figcaption></figure>`);
      continue;
    }
    const o = obs[0]!;
    const n = o.samples.length / d;
    const col = Array.from({ length: Math.min(n, 20000) }, (_, i) => o.samples[i * d + j]!);
    const svg = await renderSvg(histogramSpec(parameters[j]!, col, lo, hi, o.summary[j]!));
    figures.push(`<figure>${svg}<figcaption>Posterior of ${esc(parameters[j]!)} given ${esc(o.name)} (${n} samples), drawn over the prior range.</figcaption></figure>`);
  }
  const withTruth = obs.some((o) => o.summary.some((s) => s.truth !== undefined));
  const who = (o: ReportObservation) => (several ? [o.name] : []);
  const posteriorTable = table(
    [...(several ? ['subject'] : []), 'parameter', 'mean', 'sd', 'median', '2.5 %', '97.5 %', ...(withTruth ? ['ground truth', 'covered by 95 %'] : [])],
    obs.flatMap((o) =>
      o.summary.map((s) => [
        ...who(o),
        s.parameter,
        num(s.mean),
        num(s.sd),
        num(s.median),
        num(s.lower95),
        num(s.upper95),
        ...(withTruth ? [num(s.truth), s.covered === undefined ? '–' : s.covered ? 'yes' : 'NO'] : []),
      ]),
    ),
  );
  const featureTable = table(
    [...(several ? ['subject'] : []), 'feature', 'observed', 'training min', 'training max', 'inside'],
    obs.flatMap((o) =>
      Object.entries(o.observed).map(([f, v]) => {
        const [lo, hi] = input.trainingRange[f] ?? [NaN, NaN];
        return [...who(o), f, num(v), num(lo), num(hi), v >= lo && v <= hi ? 'yes' : 'NO — the posterior extrapolates'];
      }),
    ),
  );
  const facts = table(['item', 'value'], Object.entries(input.facts).map(([k, v]) => [k, String(v)]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.2rem .6rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figcaption{font-size:.85rem;color:#555}</style></head>
<body><h1>${esc(input.title)}</h1>
<h2>Posterior</h2>${input.note ? `<p>${esc(input.note)}</p>` : ''}${posteriorTable}
${figures.join('\n')}
<h2>Observed features</h2><p>The posterior is only trustworthy where the observation lies inside what the training simulations produced.</p>${featureTable}
<h2>Run</h2>${facts}
</body></html>
`;
}
