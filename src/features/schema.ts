/**
 * zod schema of the experiment's `features` section:
 *
 *   features:
 *     source: { monitor: balloon, variable: r }   # which recorded series (balloon has no variable)
 *     transient: { samples: 0 }                    # or { ms: 20000 }; tvb-inversion removes nothing
 *     fcd: { window: 15, step: 1 }                 # in samples of the source series
 *     regionPairing: halves                        # or connectome (hemispheres/labels of the connectome)
 *     compute: [fc_sum, fcd_sum]
 */
import { z } from 'zod';
import { strict } from '../schema/strict.js';
import { FCD_KINDS, FEATURE_KINDS } from './kinds.js';

function wholeNumber(field: string, min: number, example: string) {
  return z
    .number({ error: `${field} must be a whole number ≥ ${min} — fix: e.g. ${example}` })
    .int({ error: `${field} must be a whole number — fix: e.g. ${example}` })
    .min(min, { error: `${field} must be at least ${min} — fix: e.g. ${example}` });
}

export const MONITORS = ['balloon', 'bold', 'tavg', 'raw'] as const;

export const featureSourceSchema = strict({
  monitor: z.enum(MONITORS, { error: `source.monitor must be one of ${MONITORS.join(', ')} — fix: e.g. monitor: balloon` }),
  variable: z.enum(['r', 'V'], { error: 'source.variable must be r or V — fix: e.g. variable: r' }).default('r'),
});

export const transientSchema = z.union(
  [
    strict({ samples: wholeNumber('transient.samples', 0, 'samples: 10') }),
    strict({ ms: z.number({ error: 'transient.ms must be a number ≥ 0' }).min(0, { error: 'transient.ms must be ≥ 0 — fix: e.g. ms: 20000' }) }),
  ],
  { error: 'transient must be { samples: n } or { ms: t } — fix: e.g. transient: { samples: 0 }' },
);

export const fcdSpecSchema = strict({
  /** Window length in samples (tvb-inversion's win_len). */
  window: wholeNumber('fcd.window', 2, 'window: 15'),
  /** Window step in samples (tvb-inversion's win_sp). */
  step: wholeNumber('fcd.step', 1, 'step: 1').default(1),
});

export const featuresSchema = strict({
  source: featureSourceSchema.default({ monitor: 'balloon', variable: 'r' }),
  transient: transientSchema.default({ samples: 0 }),
  fcd: fcdSpecSchema.optional(),
  regionPairing: z
    .enum(['halves', 'connectome'], { error: 'regionPairing must be halves or connectome — fix: halves when regions are listed one hemisphere then the other' })
    .default('halves'),
  compute: z
    .array(z.enum(FEATURE_KINDS, { error: `unknown feature — fix: use one of ${FEATURE_KINDS.join(', ')}` }), {
      error: 'compute must be a list of feature names — fix: e.g. compute: [fc_sum, fcd_sum]',
    })
    .min(1, { error: 'compute lists no feature — fix: e.g. compute: [fc_sum, fcd_sum]' }),
}).superRefine((spec, ctx) => {
  const seen = new Set<string>();
  spec.compute.forEach((kind, i) => {
    if (seen.has(kind)) ctx.addIssue({ code: 'custom', message: `${kind} is listed twice — fix: list each feature once`, path: ['compute', i] });
    seen.add(kind);
  });
  const needsFcd = spec.compute.find((kind) => FCD_KINDS.has(kind));
  if (needsFcd && !spec.fcd) {
    ctx.addIssue({
      code: 'custom',
      message: `${needsFcd} needs the FCD window — fix: add fcd: { window: 15, step: 1 } (in samples; tvb-inversion uses 15 for ≥ 120 s of BOLD at TR 2 s, 5 for 60 s)`,
      path: ['fcd'],
    });
  }
});

export type FeaturesSpec = z.infer<typeof featuresSchema>;
export type FeatureSource = z.infer<typeof featureSourceSchema>;
