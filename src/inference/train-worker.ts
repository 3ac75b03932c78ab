/**
 * Worker-thread entry of `trainInWorker`: runs the training loop off the main thread (onnxruntime's
 * `run` is synchronous on the calling thread) and reports every epoch back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HpcinvError } from '../errors.js';
import { trainFlow, type TrainOptions } from './train-loop.js';

interface Job {
  theta: Float64Array;
  thetaDim: number;
  x: Float64Array;
  xDim: number;
  options: TrainOptions;
}

const job = workerData as Job;
trainFlow(job.theta, job.thetaDim, job.x, job.xDim, job.options, (progress) => parentPort!.postMessage({ type: 'epoch', progress })).then(
  (result) => parentPort!.postMessage({ type: 'done', result }),
  (err: unknown) =>
    parentPort!.postMessage({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      exitCode: err instanceof HpcinvError ? err.exitCode : undefined,
    }),
);
