import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { renderReport } from '../../src/diagnostics/report.js';
import { summariseCell, summariseStudy, type CellSummary } from '../../src/diagnostics/study-summary.js';
import { posteriorPredictiveCheck } from '../../src/diagnostics/ppc.js';
import { gaussianCases } from './analytic.js';

/**
 * A study fed from arrays: the conjugate Gaussian posterior (prior N(0, 1), noise σ) stands in for a
 * trained estimator; more simulations are mimicked by smaller noise σ (sharper posteriors), and the
 * feature set "overconfident" uses posteriors half as wide as they should be.
 */
function study() {
  const cells: CellSummary[] = [];
  const budgets = [100, 300, 1000];
  const sigmaOf = [1.0, 0.4, 0.15];
  for (const [featureSet, width] of [
    ['calibrated', 1],
    ['overconfident', 0.5],
  ] as const) {
    budgets.forEach((budget, b) => {
      const cases = gaussianCases(120, 200, 2, width, 10 + b, sigmaOf[b]);
      cells.push(summariseCell({ budget, featureSet, cases, trainSeconds: 1 + b }, ['G', 'eta'], [1, 1]));
    });
  }
  const study = summariseStudy('Validation report test', ['G', 'eta'], cells, { experiment: 'analytic Gaussian <test>' });
  // A predictive check whose second feature is far outside the predicted values.
  const predicted = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i / 200 : 1 + i / 200));
  return { ...study, ppc: [{ featureSet: 'calibrated', budget: 1000, testCase: 0, truth: [0.1, 0.2], result: posteriorPredictiveCheck([0.5, 50], predicted, ['fc', 'fcd']) }] };
}

describe('validation report', () => {
  const s = study();

  test('the summary holds the analytic shrinkage and the calibration verdicts', () => {
    const cal = s.cells.find((c) => c.featureSet === 'calibrated' && c.budget === 1000)!;
    // Posterior variance σ²/(1+σ²) at σ = 0.15 ⇒ shrinkage 1/(1+σ²) = 0.978.
    expect(cal.perParameter[0]!.meanShrinkage).toBeCloseTo(1 / (1 + 0.15 ** 2), 1);
    expect(cal.sbcCalibrated).toBe(true);
    expect(s.cells.find((c) => c.featureSet === 'overconfident' && c.budget === 1000)!.sbcCalibrated).toBe(false);
    expect(s.recommendations.map((r) => r.featureSet)).toEqual(['calibrated', 'overconfident']);
    expect(JSON.parse(JSON.stringify(s)).cells).toHaveLength(6);
  });

  test('renders self-contained HTML with SVG plots in headless Chromium', async () => {
    const html = await renderReport(s);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain('analytic Gaussian &lt;test&gt;'); // facts are escaped
    const dir = join(process.cwd(), 'test-artifacts', 'diagnostics');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.html'), html);

    // Debian's chromium, not a downloaded browser (installed by scripts/test-all.sh).
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.setContent(html, { waitUntil: 'load' });
      const figures = await page.$$eval('figure.plot', (els) =>
        els.map((el) => {
          const svg = el.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return { id: el.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, line, rect, circle').length ?? 0 };
        }),
      );
      expect(figures.map((f) => f.id)).toEqual(['posterior-0', 'posterior-1', 'shrinkage', 'z-shrinkage', 'sbc', 'coverage']);
      for (const f of figures) {
        expect(f.width).toBeGreaterThan(150);
        expect(f.height).toBeGreaterThan(100);
        expect(f.marks).toBeGreaterThan(20);
      }
      expect(await page.$$eval('table.cells tbody tr', (rows) => rows.length)).toBe(12);
      expect(await page.textContent('body')).toContain('miscalibrated');
      expect(await page.$$eval('table.ppc tbody tr', (rows) => rows.map((r) => r.lastElementChild!.textContent))).toEqual(['yes', 'NO']);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
