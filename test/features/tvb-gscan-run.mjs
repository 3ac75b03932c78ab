// Simulates the deliverable case at G = 0.1 and 1.0 (30 s, seeds 42/43) with the built package and prints
// FC_SUM, HOMO_FC and FCD_SUM (window 3) per run as JSON. Run from tvb-gscan.test.ts in a plain Node
// process: the simulator runs an order of magnitude slower inside jest's module sandbox.
const dist = new URL('../../dist/', import.meta.url);
const { loadConnectome } = await import(new URL('connectome/index.js', dist));
const { defaultParameterSet, prepareSimulation, simulateBatch } = await import(new URL('simulator/index.js', dist));
const { computeFeatures, featuresSchema, selectSource } = await import(new URL('features/index.js', dist));

const connectome = loadConnectome('tvb:68', { zeroDiagonal: true, normalise: 'max' });
const setup = prepareSimulation({
  connectome,
  speed: 3,
  dt: 0.01,
  duration: 3000,
  timeUnitMs: 10,
  history: { kind: 'random', rRange: [0, 2], VRange: [-2, 1.5] },
  rng: 'fast',
  monitors: { transient: 0, balloon: { period: 0.1, trMs: 2000 } },
});
const params = [0.1, 1.0].map((G) => {
  const p = defaultParameterSet();
  Object.assign(p.model, { eta: -4.6, J: 14.5, Delta: 0.7, tau: 1 });
  p.coupling = { a: G, b: 0 };
  p.nsig = [0.035, 0.07];
  return p;
});
const spec = featuresSchema.parse({ fcd: { window: 3, step: 1 }, compute: ['fc_sum', 'homotopic_fc', 'fcd_sum'] });
const runs = simulateBatch(setup, params, [42, 43]).map((result) => {
  const bold = selectSource(result, spec.source);
  const { names, values, nonFinite } = computeFeatures(bold, spec);
  return { nTime: bold.nTime, nonFinite, ...Object.fromEntries(names.map((n, k) => [n, values[k]])) };
});
console.log(JSON.stringify(runs));
