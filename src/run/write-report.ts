/** Writes `<run>/report/index.html` for `hpcinv run`: the observations' posteriors against the training data. */
import { loadTrainingData } from '../inference/dataset.js';
import { priorFromSpec, type ParameterSpec } from '../prior/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { RunDir } from '../store/run-dir.js';
import { renderRunReport, type ReportObservation } from './run-report.js';

export interface RunReportContent {
  observations: ReportObservation[];
  note?: string;
  /** What the observation was (seeds, files); the run directory, the simulation counts and the stage times are added. */
  facts: Record<string, string | number>;
  seconds: Partial<Record<string, number>>;
}

/** Per feature: the smallest and largest value over the training simulations. */
function trainingRange(data: ReturnType<typeof loadTrainingData>): Record<string, [number, number]> {
  const k = data.featureNames.length;
  const range: Record<string, [number, number]> = {};
  data.featureNames.forEach((f, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.rows; i++) {
      const v = data.x[i * k + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    range[f] = [lo, hi];
  });
  return range;
}

export async function writeRunReport(run: RunDir, path: string, parameters: ParameterSpec[], content: RunReportContent): Promise<void> {
  const data = loadTrainingData(run);
  const facts: Record<string, string | number> = {
    'run directory': run.root,
    'training simulations (ok / total)': `${data.rows} / ${data.rows + data.notOk}`,
    ...content.facts,
  };
  for (const [stage, s] of Object.entries(content.seconds)) if (stage !== 'total' && s !== undefined) facts[`${stage} wall time (s), this invocation`] = Number(s.toFixed(1));
  const several = content.observations.length > 1;
  const html = await renderRunReport({
    title: `hpcinv run — ${content.observations[0]!.summary.map((s) => s.parameter).join(', ')}${several ? ` — ${content.observations.length} subjects` : ''}`,
    observations: content.observations,
    note: content.note,
    prior: priorFromSpec(parameters).bounds(),
    trainingRange: trainingRange(data),
    facts,
  });
  writeFileAtomic(path, html);
}
