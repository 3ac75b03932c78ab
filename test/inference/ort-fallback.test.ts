import '../flow/ort-realm.js';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../../src/flow/rng.js';
import { posteriorFromTrained } from '../../src/inference/model-files.js';
import { trainFlow } from '../../src/inference/train-loop.js';
import { priorFromSpec, type ParameterSpec } from '../../src/prior/index.js';
import { packageRoot } from '../../src/version.js';

/*
 * The fallback is exercised against a real broken install, not a mocked loader function: a child process
 * resolves 'onnxruntime-node' (through a module-resolution hook given with --import) to a copy of the
 * package that has its JavaScript and its N-API binding but not the native library the binding links
 * against (libonnxruntime.so.1). onnxruntime-node's own `require` of the binding then fails in dlopen, as it
 * does when the shared library is missing or cannot load on the host. hpcinv itself runs unmodified from
 * dist/ in that process.
 */

const parameters: ParameterSpec[] = [
  { path: 'model.a', prior: { kind: 'uniform', low: -1, high: 1 } },
  { path: 'model.b', prior: { kind: 'uniform', low: -1, high: 1 } },
];
const flow = { kind: 'nsf' as const, hidden: 8, transforms: 2, bins: 4 };
const options = { seed: 5, maxEpochs: 3, batchSize: 50, flow };
const xo = [0.4, -0.2, 0.1];
const thetaProbe = [0.1, 0.2, -0.5, 0.4, 0.6, -0.3];

function data(n: number) {
  const theta = priorFromSpec(parameters).sample(n, 3).values;
  const rng = new Rng(4);
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[3 * i] = theta[2 * i]! + 0.2 * theta[2 * i + 1]! + 0.1 * rng.normal();
    x[3 * i + 1] = theta[2 * i]! * theta[2 * i + 1]! + 0.1 * rng.normal();
    x[3 * i + 2] = rng.normal();
  }
  return { theta, x };
}

/** Builds the broken package and the hook; returns the --import module. */
function brokenInstall(dir: string): string {
  const real = join(packageRoot, 'node_modules', 'onnxruntime-node');
  const copy = join(dir, 'node_modules', 'onnxruntime-node');
  const bindingDir = join('bin', 'napi-v6', process.platform, process.arch);
  mkdirSync(join(copy, bindingDir), { recursive: true });
  copyFileSync(join(real, 'package.json'), join(copy, 'package.json'));
  cpSync(join(real, 'dist'), join(copy, 'dist'), { recursive: true });
  copyFileSync(join(real, bindingDir, 'onnxruntime_binding.node'), join(copy, bindingDir, 'onnxruntime_binding.node'));
  symlinkSync(join(packageRoot, 'node_modules', 'onnxruntime-common'), join(dir, 'node_modules', 'onnxruntime-common'));
  const entry = pathToFileURL(join(copy, 'dist', 'index.js')).href;
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  if (specifier === 'onnxruntime-node') return { url: ${JSON.stringify(entry)}, format: 'commonjs', shortCircuit: true };
  return next(specifier, context);
}\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  return join(dir, 'register.mjs');
}

let dir: string;
let register: string;
let scripts = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcinv-ort-fallback-'));
  register = brokenInstall(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dist = (p: string): string => JSON.stringify(join(packageRoot, 'dist', p));
const WARNING = /^warning: onnxruntime-node cannot load \(.+\); hpcinv runs its graphs on the plain-JS executor .* — fix: .+$/gm;

/** Runs an ESM script in a child process whose 'onnxruntime-node' is the broken copy. */
function runBroken(script: string): { out: unknown; stderr: string } {
  // A script file, not --eval: the training worker inherits the process's flags, and --input-type would stop it.
  const file = join(dir, `child-${scripts++}.mjs`);
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', register, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { out: JSON.parse(r.stdout), stderr: r.stderr };
}

test('when onnxruntime-node cannot load, training and sampling run on the JS executor with one warning and ORT’s numbers', async () => {
  expect(existsSync(join(packageRoot, 'dist', 'inference', 'train.js'))).toBe(true); // built by `npm test` (npm run build) before jest runs
  const { theta, x } = data(300);
  const script = `import { trainInWorker } from ${dist('inference/train.js')};
import { posteriorFromTrained } from ${dist('inference/model-files.js')};
import { ortUnavailableReason } from ${dist('flow/runtime.js')};
import { priorFromSpec } from ${dist('prior/index.js')};
const theta = Float64Array.from(${JSON.stringify(Array.from(theta))});
const x = Float64Array.from(${JSON.stringify(Array.from(x))});
const trained = await trainInWorker(theta, 2, x, 3, ${JSON.stringify(options)});
const posterior = await posteriorFromTrained(trained, priorFromSpec(${JSON.stringify(parameters)}));
const { samples } = await posterior.sample(50, ${JSON.stringify(xo)}, { seed: 3 });
const logProb = await posterior.logProb(Float64Array.from(${JSON.stringify(thetaProbe)}), ${JSON.stringify(xo)});
console.log(JSON.stringify({ backend: trained.backend, posteriorBackend: posterior.backend, reason: ortUnavailableReason(),
  params: Array.from(trained.params), losses: trained.history.map((h) => h.validationLoss), samples: Array.from(samples), logProb: Array.from(logProb) }));`;
  const child = runBroken(script);
  const got = child.out as { backend: string; posteriorBackend: string; reason: string; params: number[]; losses: number[]; samples: number[]; logProb: number[] };
  // Training in the worker thread and the posterior's three executors in the main thread: one warning.
  expect(child.stderr.match(WARNING)).toHaveLength(1);
  expect(got.backend).toBe('js');
  expect(got.posteriorBackend).toBe('js');
  if (process.platform === 'linux') expect(got.reason).toMatch(/libonnxruntime\.so/);

  // The same seeded run on onnxruntime (this process loads the real package).
  const want = await trainFlow(theta, 2, x, 3, { ...options, backend: 'ort' });
  expect(want.backend).toBe('ort');
  const posterior = await posteriorFromTrained(want, priorFromSpec(parameters), 'ort');
  const samples = (await posterior.sample(50, xo, { seed: 3 })).samples;
  const logProb = await posterior.logProb(Float64Array.from(thetaProbe), xo);
  await posterior.release();

  // Float64 JS arithmetic against float32 ORT kernels over 15 Adam steps: differences of ~1e-7 were measured.
  expect(got.params.length).toBe(want.params.length);
  let maxParam = 0;
  want.params.forEach((p, i) => (maxParam = Math.max(maxParam, Math.abs(p - got.params[i]!))));
  expect(maxParam).toBeLessThan(1e-5);
  want.history.forEach((h, i) => expect(Math.abs(h.validationLoss - got.losses[i]!)).toBeLessThan(1e-5));
  Array.from(samples).forEach((s, i) => expect(Math.abs(s - got.samples[i]!)).toBeLessThan(1e-4));
  Array.from(logProb).forEach((l, i) => expect(Math.abs(l - got.logProb[i]!)).toBeLessThan(1e-4));
});

test('every executor falls back, explicitly requested ORT fails with the reason, and the warning is printed once', () => {
  const script = `import { createExecutor } from ${dist('flow/runtime.js')};
import { trainStepGraph, logProbTrainGraph } from ${dist('flow/graphs.js')};
import { makeFlowConfig } from ${dist('flow/config.js')};
const cfg = makeFlowConfig(2, 2, ${JSON.stringify(flow)}, 1);
const backends = [];
for (const spec of [trainStepGraph(cfg), logProbTrainGraph(cfg), trainStepGraph(cfg)]) backends.push((await createExecutor(spec, 'auto')).backend);
let forced = '';
try { await createExecutor(logProbTrainGraph(cfg), 'ort'); } catch (e) { forced = e.message; }
console.log(JSON.stringify({ backends, forced }));`;
  const { out, stderr } = runBroken(script);
  const res = out as { backends: string[]; forced: string };
  expect(res.backends).toEqual(['js', 'js', 'js']);
  // Asking for ORT explicitly is an error naming the cause, not a silent fallback.
  expect(res.forced).toMatch(/onnxruntime-node cannot load: .+/);
  expect(stderr.match(WARNING)).toHaveLength(1);
});
