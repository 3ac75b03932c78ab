/**
 * Saving and loading a trained posterior: three self-contained ONNX models (log-prob, sampling, gradient
 * of log-prob; weights and z-scoring baked in, so onnxruntime in any language can run them) and
 * posterior.json with the flow description, z-score statistics, the prior, names and provenance.
 * The directory is assembled next to its destination and renamed into place, so it is always complete.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { NSF_LAYOUT, paramCount, type FlowConfig } from '../flow/config.js';
import { flowLayout, logProbGraph, sampleGraph, type ZScore } from '../flow/graphs.js';
import { encodeModel } from '../flow/onnx-proto.js';
import { createExecutor, type BackendName } from '../flow/runtime.js';
import { priorFromSpec, type ParameterSpec } from '../prior/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import { version } from '../version.js';
import { Posterior, type PosteriorModel, type PriorLike } from './posterior.js';
import type { TrainedFlow } from './train-loop.js';

export const POSTERIOR_JSON = 'posterior.json';
const FILES = { logProb: 'log_prob.onnx', sample: 'sample.onnx', logProbGrad: 'log_prob_grad.onnx' } as const;

export interface PosteriorMeta {
  /** The prior as hpcinv parameter specs (path + prior), in θ column order. */
  parameters: ParameterSpec[];
  featureNames: string[];
  provenance?: Record<string, unknown>;
}

export interface PosteriorFile {
  format: 'hpcinv-posterior';
  version: 1;
  hpcinvVersion: string;
  config: FlowConfig;
  zscore: ZScore;
  /** The flat float32 parameter vector, little-endian, base64. */
  params: string;
  parameters: ParameterSpec[];
  thetaNames: string[];
  featureNames: string[];
  training: Omit<TrainedFlow, 'config' | 'params' | 'zscore' | 'history'>;
  provenance: Record<string, unknown>;
  files: typeof FILES;
}

function graphs(model: PosteriorModel) {
  return {
    logProb: logProbGraph(model.config, model.params, model.zscore),
    sample: sampleGraph(model.config, model.params, model.zscore),
    logProbGrad: logProbGraph(model.config, model.params, model.zscore, true),
  };
}

export function savePosterior(dir: string, trained: TrainedFlow, meta: PosteriorMeta): PosteriorFile {
  const { config } = trained;
  if (meta.parameters.length !== config.thetaDim) throw new InputError(`${meta.parameters.length} prior parameters for a ${config.thetaDim}-dimensional θ — fix: pass one prior entry per θ column`);
  if (meta.featureNames.length !== config.xDim) throw new InputError(`${meta.featureNames.length} feature names for ${config.xDim} features — fix: pass one name per feature column`);
  const g = graphs(trained);
  // The model is written into a fresh sibling directory that then replaces `dir`, so a reader (or a
  // crash mid-write) never sees new ONNX files next to an old posterior.json.
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const metadata = { hpcinv_version: version, theta_names: meta.parameters.map((p) => p.path).join(','), feature_names: meta.featureNames.join(',') };
  for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) writeFileAtomic(join(tmp, FILES[key]), encodeModel(g[key], metadata));
  const { config: _c, params, zscore, history: _h, ...training } = trained;
  const file: PosteriorFile = {
    format: 'hpcinv-posterior',
    version: 1,
    hpcinvVersion: version,
    config,
    zscore,
    params: Buffer.from(params.buffer, params.byteOffset, params.byteLength).toString('base64'),
    parameters: meta.parameters,
    thetaNames: meta.parameters.map((p) => p.path),
    featureNames: meta.featureNames,
    training,
    provenance: meta.provenance ?? {},
    files: FILES,
  };
  writeFileAtomic(join(tmp, POSTERIOR_JSON), JSON.stringify(file, null, 1) + '\n');
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  return file;
}

export function readPosteriorFile(dir: string): PosteriorFile {
  const path = join(dir, POSTERIOR_JSON);
  if (!existsSync(path)) throw new InputError(`no trained posterior at ${path} — fix: run \`hpcinv train\` first (or pass the model directory)`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as PosteriorFile;
  if (file.format !== 'hpcinv-posterior' || file.version !== 1) throw new InputError(`${path} is not an hpcinv posterior (version 1) — fix: retrain with this hpcinv version`);
  return file;
}

export function decodeParams(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Builds a Posterior from a trained flow in memory (no files). */
export async function posteriorFromTrained(model: PosteriorModel, prior: PriorLike, backend: BackendName | 'auto' = 'auto'): Promise<Posterior> {
  const g = graphs(model);
  const sample = await createExecutor(g.sample, backend);
  return new Posterior(model, prior, { sample, logProb: await createExecutor(g.logProb, sample.backend), logProbGrad: await createExecutor(g.logProbGrad, sample.backend) });
}

/** Loads a saved posterior; ORT runs the saved ONNX files, the JS fallback rebuilds the same graphs. */
export async function loadPosterior(dir: string, backend: BackendName | 'auto' = 'auto'): Promise<{ posterior: Posterior; file: PosteriorFile }> {
  const file = readPosteriorFile(dir);
  const model: PosteriorModel = { config: file.config, zscore: file.zscore, params: decodeParams(file.params) };
  const expected = paramCount(flowLayout(file.config));
  if (model.params.length !== expected || (file.config.kind === 'nsf' && file.config.nsfLayout !== NSF_LAYOUT)) {
    // An NSF saved before its three spline output layers became one has as many weights in another order.
    throw new InputError(`${join(dir, POSTERIOR_JSON)} was written with another weight layout (${model.params.length} weights, this hpcinv expects ${expected}${file.config.kind === 'nsf' ? ` in NSF layout ${NSF_LAYOUT}` : ''}) — fix: retrain with this hpcinv version (\`hpcinv train\`)`);
  }
  const g = graphs(model);
  const bytes = (k: keyof typeof FILES) => {
    const p = join(dir, file.files[k]);
    if (!existsSync(p)) throw new InputError(`the model file ${p} is missing — fix: retrain (\`hpcinv train\`) or copy the whole model directory`);
    return readFileSync(p);
  };
  const sample = await createExecutor(g.sample, backend, bytes('sample'));
  const posterior = new Posterior(model, priorFromSpec(file.parameters), {
    sample,
    logProb: await createExecutor(g.logProb, sample.backend, bytes('logProb')),
    logProbGrad: await createExecutor(g.logProbGrad, sample.backend, bytes('logProbGrad')),
  });
  return { posterior, file };
}
