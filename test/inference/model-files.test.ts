import '../flow/ort-realm.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initParams, makeFlowConfig } from '../../src/flow/config.js';
import { flowLayout, logProbGraph, sampleGraph, trainStepGraph } from '../../src/flow/graphs.js';
import { encodeModel } from '../../src/flow/onnx-proto.js';
import { Rng } from '../../src/flow/rng.js';
import { loadPosterior, posteriorFromTrained, savePosterior } from '../../src/inference/model-files.js';
import { trainInWorker } from '../../src/inference/train.js';
import { trainFlow, type TrainedFlow } from '../../src/inference/train-loop.js';
import { priorFromSpec, type ParameterSpec } from '../../src/prior/index.js';
import { packageRoot } from '../../src/version.js';

const parameters: ParameterSpec[] = [
  { path: 'coupling.a', prior: { kind: 'uniform', low: -1, high: 1 } },
  { path: 'model.eta', prior: { kind: 'uniform', low: -1, high: 1 } },
];
const prior = priorFromSpec(parameters);

function data(n: number) {
  const theta = prior.sample(n, 7).values;
  const rng = new Rng(8);
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[3 * i] = theta[2 * i]! + theta[2 * i + 1]! + 0.1 * rng.normal();
    x[3 * i + 1] = theta[2 * i]! * theta[2 * i + 1]! + 0.1 * rng.normal();
    x[3 * i + 2] = rng.normal();
  }
  return { theta, x };
}

let dir: string;
let trained: TrainedFlow;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hpcinv-npe-'));
  const { theta, x } = data(600);
  trained = await trainFlow(theta, 2, x, 3, { seed: 2, maxEpochs: 5, flow: { hidden: 12, transforms: 2, embedding: { hidden: [8], out: 4 } } });
  savePosterior(dir, trained, { parameters, featureNames: ['f.sum', 'f.prod', 'f.noise'], provenance: { dataset: 'test' } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('saved model loads in a new process and gives the same samples and log-probabilities', async () => {
  expect(readdirSync(dir).sort()).toEqual(['log_prob.onnx', 'log_prob_grad.onnx', 'posterior.json', 'sample.onnx']);
  const here = await posteriorFromTrained(trained, prior, 'ort');
  const xo = [0.3, -0.1, 0.5];
  const theta = Float64Array.of(0.1, 0.2, -0.5, 0.7, 0.9, -0.9);
  const want = { samples: Array.from((await here.sample(5, xo, { seed: 3 })).samples), logProb: Array.from(await here.logProb(theta, xo)) };
  const dist = join(packageRoot, 'dist', 'inference', 'model-files.js');
  expect(existsSync(dist)).toBe(true); // built by `npm test` (npm run build) before jest runs
  const script = `import { loadPosterior } from ${JSON.stringify(dist)};
const { posterior, file } = await loadPosterior(${JSON.stringify(dir)}, 'ort');
const xo = ${JSON.stringify(xo)};
const samples = Array.from((await posterior.sample(5, xo, { seed: 3 })).samples);
const logProb = Array.from(await posterior.logProb(Float64Array.from(${JSON.stringify(Array.from(theta))}), xo));
console.log(JSON.stringify({ samples, logProb, names: file.thetaNames, features: file.featureNames }));`;
  const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  expect(got.names).toEqual(['coupling.a', 'model.eta']);
  expect(got.features).toEqual(['f.sum', 'f.prod', 'f.noise']);
  expect(got.samples).toEqual(want.samples);
  expect(got.logProb).toEqual(want.logProb);
  // The JS executor (fallback) runs the same math: same results up to float32 rounding.
  const { posterior: js } = await loadPosterior(dir, 'js');
  expect(js.backend).toBe('js');
  const jsLp = await js.logProb(theta, xo);
  jsLp.forEach((v, i) => expect(Math.abs(v - want.logProb[i]!)).toBeLessThan(2e-3));
  const jsSamples = (await js.sample(5, xo, { seed: 3 })).samples;
  jsSamples.forEach((v, i) => expect(Math.abs(v - want.samples[i]!)).toBeLessThan(1e-3));
  await here.release();
});

test('exported models pass the ONNX checker and strict shape inference (python3-onnx)', () => {
  // python3-onnx is installed by scripts/test-all.sh (CI); it is an independent validator of the files.
  const check = `import onnx, sys
for p in sys.argv[1:]:
    m = onnx.load(p)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
print("ok")`;
  const files = ['log_prob.onnx', 'sample.onnx', 'log_prob_grad.onnx'].map((f) => join(dir, f));
  // The NSF's bundled models and both flows' train-step graphs too.
  const nsf = makeFlowConfig(3, 2, { kind: 'nsf', hidden: 8, transforms: 2, bins: 4 }, 1);
  const p = initParams(flowLayout(nsf), 1);
  const zs = { thetaMean: [0, 0, 0], thetaStd: [1, 2, 3], xMean: [0, 1], xStd: [1, 1] };
  const extra = {
    'nsf_log_prob.onnx': logProbGraph(nsf, p, zs, true),
    'nsf_sample.onnx': sampleGraph(nsf, p, zs),
    'nsf_train_step.onnx': trainStepGraph(nsf),
    'maf_train_step.onnx': trainStepGraph(trained.config),
  };
  for (const [name, spec] of Object.entries(extra)) {
    writeFileSync(join(dir, name), encodeModel(spec));
    files.push(join(dir, name));
  }
  // Debian's interpreter, where python3-onnx lives (a pyenv python3 on PATH would not see it).
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  expect(execFileSync(python, ['-c', check, ...files], { encoding: 'utf8' }).trim()).toBe('ok');
});

test('saving over an existing model replaces it whole, leaving no temporary directories', () => {
  const parent = mkdtempSync(join(tmpdir(), 'hpcinv-npe-resave-'));
  const target = join(parent, 'model');
  savePosterior(target, trained, { parameters, featureNames: ['a', 'b', 'c'] });
  const again = savePosterior(target, trained, { parameters, featureNames: ['f1', 'f2', 'f3'], provenance: { round: 2 } });
  expect(readdirSync(parent)).toEqual(['model']);
  expect(readdirSync(target).sort()).toEqual(['log_prob.onnx', 'log_prob_grad.onnx', 'posterior.json', 'sample.onnx']);
  expect(again.featureNames).toEqual(['f1', 'f2', 'f3']);
  rmSync(parent, { recursive: true, force: true });
});

test('missing model files give a clear error', async () => {
  await expect(loadPosterior(join(dir, 'nowhere'))).rejects.toThrow(/no trained posterior.*fix:/);
});

test('training in a worker thread is reproducible with the in-process loop', async () => {
  const { theta, x } = data(300);
  const opts = { seed: 4, maxEpochs: 3, flow: { hidden: 8, transforms: 1 } };
  const ticks: number[] = [];
  const w = await trainInWorker(theta, 2, x, 3, opts, (p) => ticks.push(p.epoch));
  const inline = await trainFlow(theta, 2, x, 3, opts);
  expect(ticks).toEqual([1, 2, 3]);
  expect(Array.from(w.params)).toEqual(Array.from(inline.params));
  expect(w.bestValidationLoss).toBe(inline.bestValidationLoss);
});

test('an NSF saved with the earlier weight layout is refused with the fix, not read in the wrong order', async () => {
  const { theta, x } = data(200);
  const nsf = await trainFlow(theta, 2, x, 3, { seed: 1, maxEpochs: 1, flow: { kind: 'nsf', hidden: 6, transforms: 1, bins: 3 } });
  const target = join(dir, 'nsf-old');
  savePosterior(target, nsf, { parameters, featureNames: ['a', 'b', 'c'] });
  expect((await loadPosterior(target, 'js')).posterior.backend).toBe('js');
  const path = join(target, 'posterior.json');
  const file = JSON.parse(readFileSync(path, 'utf8'));
  delete file.config.nsfLayout;
  writeFileSync(path, JSON.stringify(file));
  await expect(loadPosterior(target)).rejects.toThrow(/another weight layout.*fix: retrain/);
});
