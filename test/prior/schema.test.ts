import { parametersSchema } from '../../src/prior/schema.js';

/** The first issue of a failed parse as "path: message". */
function firstIssue(input: unknown): string {
  const result = parametersSchema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  const issue = result.error.issues[0];
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('parametersSchema', () => {
  test('accepts every prior kind and grid kind', () => {
    const parsed = parametersSchema.parse([
      { path: 'coupling.a', prior: { kind: 'uniform', low: 0.1, high: 1.2 }, grid: { kind: 'linspace', low: 0.1, high: 1.2, n: 12 } },
      { path: 'model.eta[12]', prior: { kind: 'normal', mu: -4.6, sigma: 0.3 } },
      { path: 'integrator.noise.nsig', prior: { kind: 'lognormal', mu: -3, sigma: 0.5 }, grid: { kind: 'logspace', low: 1e-3, high: 1e-1, n: 5 } },
      { path: 'model.J', prior: { kind: 'truncnormal', mu: 14.5, sigma: 2, low: 10 } },
      { path: 'model.Delta', grid: { kind: 'values', values: [0.5, 0.7] } },
    ]);
    expect(parsed).toHaveLength(5);
  });

  test.each([
    [[{ path: 'coupling.a', prior: { kind: 'uniform', low: 1.2, high: 0.1 } }], '0.prior.high: high must be greater than low — fix'],
    [[{ path: 'coupling.a', prior: { kind: 'uniform', low: 1, high: 1 } }], '0.prior.high: high must be greater than low'],
    [[{ path: 'coupling.a', prior: { kind: 'uniform', low: NaN, high: 1 } }], '0.prior.low: low must be a finite number — fix'],
    [[{ path: 'coupling.a', prior: { kind: 'uniform', low: 0, high: Infinity } }], '0.prior.high: high must be a finite number'],
    [[{ path: 'coupling.a', prior: { kind: 'normal', mu: 0, sigma: 0 } }], '0.prior.sigma: sigma must be > 0 — fix'],
    [[{ path: 'coupling.a', prior: { kind: 'lognormal', mu: 0, sigma: -1 } }], '0.prior.sigma: sigma must be > 0'],
    [[{ path: 'coupling.a', prior: { kind: 'truncnormal', mu: 0, sigma: 1 } }], '0.prior.low: a truncated normal needs low, high or both — fix'],
    [[{ path: 'coupling.a', prior: { kind: 'truncnormal', mu: 0, sigma: 1, low: 2, high: 1 } }], '0.prior.high: high must be greater than low'],
    [[{ path: 'coupling.a', prior: { kind: 'truncnormal', mu: 0, sigma: 1, low: 50 } }], '0.prior.mu: the interval [low, high] lies more than 35 sigma'],
    [[{ path: 'coupling.a', prior: { kind: 'gamma', a: 1 } }], '0.prior.kind: prior.kind must be one of uniform, normal, lognormal, truncnormal — fix'],
    [[{ path: 'coupling.a', prior: { kind: 'uniform', low: 0, high: 1, hgih: 2 } }], '0.prior: unknown field(s) hgih — fix: remove them; allowed here: kind, low, high'],
    [[{ path: 'coupling', prior: { kind: 'uniform', low: 0, high: 1 } }], '0.path: path must look like "coupling.a"'],
    [[{ path: 'model.eta[x]', prior: { kind: 'uniform', low: 0, high: 1 } }], '0.path: path must look like'],
    [[{ path: 'coupling.a' }], '0.prior: a parameter needs a prior (for inference or random sweeps) or a grid'],
    [[], ': parameters must list at least one parameter — fix'],
    [
      [
        { path: 'coupling.a', prior: { kind: 'uniform', low: 0, high: 1 } },
        { path: 'coupling.a', prior: { kind: 'uniform', low: 0, high: 2 } },
      ],
      '1.path: path "coupling.a" is listed twice (also at index 0) — fix',
    ],
    [[{ path: 'coupling.a', grid: { kind: 'linspace', low: 0, high: 1, n: 0 } }], '0.grid.n: n must be at least 1'],
    [[{ path: 'coupling.a', grid: { kind: 'linspace', low: 0, high: 1, n: 2.5 } }], '0.grid.n: n must be an integer'],
    [[{ path: 'coupling.a', grid: { kind: 'logspace', low: 0, high: 1, n: 3 } }], '0.grid.low: low must be > 0'],
    [[{ path: 'coupling.a', grid: { kind: 'values', values: [] } }], '0.grid.values: values must not be empty'],
    [[{ path: 'coupling.a', grid: { kind: 'spiral' } }], '0.grid.kind: grid.kind must be one of linspace, logspace, values'],
  ])('rejects %j with a message naming the field and the fix', (input, expected) => {
    expect(firstIssue(input)).toContain(expected);
  });
});
