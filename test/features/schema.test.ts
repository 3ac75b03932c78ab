import { featuresSchema } from '../../src/features/schema.js';

function firstIssue(input: unknown): string {
  const result = featuresSchema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
}

test('defaults follow tvb-inversion: balloon r, no transient, halves', () => {
  expect(featuresSchema.parse({ compute: ['fc_sum'] })).toEqual({
    source: { monitor: 'balloon', variable: 'r' },
    transient: { samples: 0 },
    regionPairing: 'halves',
    compute: ['fc_sum'],
  });
  expect(featuresSchema.parse({ fcd: { window: 15 }, compute: ['fcd_sum'] }).fcd).toEqual({ window: 15, step: 1 });
});

test.each([
  [{ compute: [] }, 'compute: compute lists no feature — fix'],
  [{ compute: ['FC_SUM'] }, 'compute.0: unknown feature — fix: use one of fc_sum'],
  [{ compute: ['fc_sum', 'fc_sum'] }, 'compute.1: fc_sum is listed twice — fix'],
  [{ compute: ['fcd_sum'] }, 'fcd: fcd_sum needs the FCD window — fix: add fcd: { window: 15, step: 1 }'],
  [{ fcd: { window: 1 }, compute: ['fcd_sum'] }, 'fcd.window: fcd.window must be at least 2'],
  [{ fcd: { window: 15, step: 0 }, compute: ['fcd_sum'] }, 'fcd.step: fcd.step must be at least 1'],
  [{ fcd: { window: 2.5 }, compute: ['fcd_sum'] }, 'fcd.window: fcd.window must be a whole number'],
  [{ fcd: { window: 15, stride: 1 }, compute: ['fcd_sum'] }, 'fcd: unknown field(s) stride — fix: remove them; allowed here: window, step'],
  [{ transient: { seconds: 3 }, compute: ['fc_sum'] }, 'transient: transient must be { samples: n } or { ms: t }'],
  [{ source: { monitor: 'eeg' }, compute: ['fc_sum'] }, 'source.monitor: source.monitor must be one of balloon, bold, tavg, raw'],
  [{ regionPairing: 'left-right', compute: ['fc_sum'] }, 'regionPairing: regionPairing must be halves or connectome'],
])('rejects %j naming field and fix', (input, expected) => {
  expect(firstIssue(input)).toContain(expected);
});
