import { z } from 'zod';
import type { Connectome } from '../connectome/connectome.js';
import type { SimulationResult, SimulationSpec } from '../simulator/index.js';
import type { Experiment } from '../experiment/schema.js';

// PROVISIONAL until src/features lands: region means of the balloon BOLD (or tavg r).
export const featuresSchema = z.looseObject({}).default({});

export function featureExtractor(exp: Experiment, connectome: Connectome, spec: SimulationSpec): { names: string[]; compute(res: SimulationResult): Float64Array } {
  void exp;
  void spec;
  const n = connectome.n;
  return {
    names: Array.from({ length: n }, (_, i) => `mean_${i}`),
    compute(res) {
      const s = res.balloon ?? res.tavg!.r;
      const out = new Float64Array(n);
      for (let t = 0; t < s.nTime; t++) for (let i = 0; i < n; i++) out[i] += s.data[t * n + i] / s.nTime;
      return out;
    },
  };
}
