/**
 * Training entry point: runs `trainFlow` in a worker thread so the caller's event loop (progress output,
 * signals) stays responsive, and turns worker failures back into the right error class.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HpcinvError, InputError } from '../errors.js';
import { resolveBackend } from '../flow/runtime.js';
import { packageRoot } from '../version.js';
import type { EpochProgress, TrainedFlow, TrainOptions } from './train-loop.js';

function workerPath(): string {
  const sibling = fileURLToPath(new URL('./train-worker.js', import.meta.url));
  // Under ts-jest this module is the .ts source; the worker then runs from the build.
  return existsSync(sibling) ? sibling : join(packageRoot, 'dist', 'inference', 'train-worker.js');
}

export async function trainInWorker(
  theta: Float64Array,
  thetaDim: number,
  x: Float64Array,
  xDim: number,
  options: TrainOptions = {},
  onEpoch?: (p: EpochProgress) => void,
): Promise<TrainedFlow> {
  const path = workerPath();
  if (!existsSync(path)) throw new HpcinvError(`training worker ${path} is missing — fix: build hpcinv (npm run build)`, 1);
  // Decide the fallback here, so the warning is printed once by this thread (which also hosts the
  // posterior afterwards) and the worker goes straight to the JS executor.
  const backend = options.backend ?? 'auto';
  const o = backend === 'auto' && (await resolveBackend(backend)) === 'js' ? { ...options, backend: 'js' as const } : options;
  return new Promise((resolve, reject) => {
    const worker = new Worker(path, { workerData: { theta, thetaDim, x, xDim, options: o } });
    let settled = false;
    worker.on('message', (msg: { type: string; progress?: EpochProgress; result?: TrainedFlow; message?: string; exitCode?: number }) => {
      if (msg.type === 'epoch') onEpoch?.(msg.progress!);
      else if (msg.type === 'done') {
        settled = true;
        resolve(msg.result!);
        void worker.terminate();
      } else if (msg.type === 'error') {
        settled = true;
        reject(msg.exitCode === 2 ? new InputError(msg.message!) : msg.exitCode ? new HpcinvError(msg.message!, msg.exitCode) : new Error(msg.message));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new HpcinvError(`training worker exited with code ${code} — fix: see the messages above`, 1));
    });
  });
}
