import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { renderReport } from '../diagnostics/report.js';
import type { StudySummary } from '../diagnostics/study-summary.js';
import { writeFileAtomic } from '../store/atomic.js';

/** `hpcinv report`: the HTML report again from summary.json (after an upgrade, or to write it elsewhere). */
export async function rerenderReport(source: string, out?: string): Promise<{ report: string; summary: StudySummary }> {
  const file = existsSync(source) && statSync(source).isDirectory() ? join(source, 'report', 'summary.json') : source;
  if (!existsSync(file)) throw new InputError(`${file} does not exist — fix: pass a study directory made by \`hpcinv validate\` or its report/summary.json`);
  let summary: StudySummary;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8')) as StudySummary;
  } catch {
    throw new InputError(`${file} is not valid JSON — fix: rerun \`hpcinv validate\` to write it again`);
  }
  if (!Array.isArray(summary.cells) || !Array.isArray(summary.budgets) || !Array.isArray(summary.parameters) || summary.cells.length === 0) {
    throw new InputError(`${file} is not a validation summary (no cells) — fix: pass the summary.json written by \`hpcinv validate\``);
  }
  const report = out ?? join(dirname(file), 'index.html');
  writeFileAtomic(report, await renderReport(summary));
  return { report, summary };
}
