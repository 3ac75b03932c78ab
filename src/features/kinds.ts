/**
 * The feature kinds an experiment can ask for. Scalars give one value named by the kind; vector kinds
 * give one value per region, region pair or window pair, named `<kind>_<index>[_<index>]`.
 * tvb-inversion's labels: HOMO_FC = homotopic_fc, FC_SUM = fc_sum, FCD_SUM = fcd_sum,
 * FCD_STACK_STD_INTER_TENS = fcd_stack_std_inter, FCD_SUBJ_DIFF_VAR_OV_TENS = fcd_diff_var_inter.
 */
export const SCALAR_KINDS = [
  'fc_sum',
  'homotopic_fc',
  'fcd_sum',
  'fcd_var',
  'fcd_var_ov',
  'fcd_inter_var_ov',
  'fcd_stack_std_inter',
  'fcd_diff_var_inter',
] as const;

export const VECTOR_KINDS = ['fc_triu', 'fcd_triu', 'region_mean', 'region_std', 'region_median', 'region_skew', 'region_kurtosis'] as const;

export const FEATURE_KINDS = [...SCALAR_KINDS, ...VECTOR_KINDS] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** Kinds computed from the windowed FC stack (they need `fcd: { window, step }`). */
export const FCD_KINDS: ReadonlySet<FeatureKind> = new Set([
  'fcd_sum',
  'fcd_var',
  'fcd_var_ov',
  'fcd_inter_var_ov',
  'fcd_stack_std_inter',
  'fcd_diff_var_inter',
  'fcd_triu',
]);

/** Kinds that need the hemisphere split or the homotopic pairs. */
export const PAIRING_KINDS: ReadonlySet<FeatureKind> = new Set(['homotopic_fc', 'fcd_inter_var_ov', 'fcd_stack_std_inter', 'fcd_diff_var_inter']);
