/**
 * Features of real simulated BOLD against TVB: the deliverable case (connectivity_68, diagonal zeroed then
 * max-normalised, MPR η −4.6, J 14.5, Δ 0.7, speed 3, dt 0.01, nsig [0.035, 0.07], 3000 units of 10 ms,
 * tavg-driven Balloon BOLD at TR 2 s) simulated by hpcinv, features by hpcinv, compared with TVB NbMPR +
 * the original tvb-inversion feature code (shared/spec/g-scan.csv, 30-s rows, window 3, seeds 42/43):
 *   G = 0.1: FC_SUM 4043 / 4144, HOMO_FC 0.881 / 0.903, FCD_SUM 3.6 / 3.4
 *   G = 1.0: FC_SUM 2771 / 3060, HOMO_FC 0.808 / 0.834, FCD_SUM 4.8 / 4.9
 * The noise streams differ from TVB's, so the comparison is statistical: tolerances are several times the
 * seed-to-seed spread of the TVB runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

test('FC_SUM, HOMO_FC and FCD_SUM of a 30-s run at G = 0.1 and 1.0 fall where TVB puts them', () => {
  // Real simulator and features from the build (npm test builds first); see tvb-gscan-run.mjs for why.
  if (!existsSync(fileURLToPath(new URL('../../dist/features/index.js', import.meta.url)))) {
    throw new Error('dist/ is missing — run `npm run build` (npm test does) before this test');
  }
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('./tvb-gscan-run.mjs', import.meta.url))], { encoding: 'utf8' });
  const [low, high] = JSON.parse(out) as Array<{ nTime: number; nonFinite?: string; fc_sum: number; homotopic_fc: number; fcd_sum: number }>;
  for (const run of [low, high]) {
    expect(run.nTime).toBe(15);
    expect(run.nonFinite).toBeUndefined();
    expect(run.fcd_sum).toBeGreaterThan(1.5);
    expect(run.fcd_sum).toBeLessThan(9);
  }
  expect(low.fc_sum).toBeGreaterThan(3700);
  expect(low.fc_sum).toBeLessThan(4450);
  expect(high.fc_sum).toBeGreaterThan(2500);
  expect(high.fc_sum).toBeLessThan(3350);
  expect(low.fc_sum - high.fc_sum).toBeGreaterThan(500); // FC_SUM falls with G (the onset-step dilution)
  expect(low.homotopic_fc).toBeGreaterThan(0.8);
  expect(low.homotopic_fc).toBeLessThan(0.95);
  expect(high.homotopic_fc).toBeGreaterThan(0.7);
  expect(high.homotopic_fc).toBeLessThan(0.9);
});
