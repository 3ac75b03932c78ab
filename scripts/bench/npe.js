#!/usr/bin/env node
// NPE accuracy and speed on the sbibm tasks (shared/refdata/sbibm): for each task and simulation budget,
// train the flow (worker thread, sbi defaults), then for each observation draw 10,000 posterior samples
// and compute C2ST (sbibm's MLP recipe, src/diagnostics/c2st.ts) against the 10,000 reference samples.
// Speed is reported against sbi 0.22's measured times on this machine kind (two_moons, 10k simulations:
// MAF 106 s, NSF 174 s training; 0.08 s for 10,000 samples) and, measured in this run, ONNX Runtime's
// train step against the plain-JS executor's (same graph), since other processes share the cores.
//
// Environment (defaults give the full recipe at 1k and 10k; it takes long on a busy machine):
//   NPE_TASKS=two_moons,gaussian_linear,slcp,gaussian_mixture   NPE_BUDGETS=1000,10000 (add 100000)
//   NPE_OBS=10 (observations 1..N)   NPE_FLOW=maf|nsf   NPE_SAMPLES=10000   NPE_MAX_EPOCHS (cap, default none)
//   NPE_C2ST=auto (default: src/diagnostics/c2st.ts on ONNX Runtime, plain TS if it cannot load)
//            | onnx | plain (force one classifier engine of the same function)
import { loadavg } from 'node:os';
import { c2st } from '../../dist/diagnostics/c2st.js';
import { initParams, makeFlowConfig } from '../../dist/flow/config.js';
import { flowLayout, trainStepGraph } from '../../dist/flow/graphs.js';
import { createExecutor } from '../../dist/flow/runtime.js';
import { posteriorFromTrained } from '../../dist/inference/model-files.js';
import { trainInWorker } from '../../dist/inference/train.js';
import { loadReference } from '../../dist/sbibm/refdata.js';
import { getTask, simulateDataset, TASK_NAMES } from '../../dist/sbibm/tasks.js';

const env = process.env;
const tasks = (env.NPE_TASKS ?? TASK_NAMES.join(',')).split(',');
const budgets = (env.NPE_BUDGETS ?? '1000,10000').split(',').map(Number);
const nObs = Number(env.NPE_OBS ?? 10);
const kind = env.NPE_FLOW ?? 'maf';
const nSamples = Number(env.NPE_SAMPLES ?? 10000);
const maxEpochs = env.NPE_MAX_EPOCHS ? Number(env.NPE_MAX_EPOCHS) : undefined;
const c2stImpl = env.NPE_C2ST ?? 'auto';
const SBI = { maf: { trainSeconds: 106, c2stObs1to5: 0.65 }, nsf: { trainSeconds: 174, c2stObs1to5: 0.57 }, sample10kSeconds: 0.08 };

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const log = (m) => process.stderr.write(`npe: ${m}\n`);

/** Median ms per train step of the default flow for two_moons, ORT vs the JS executor, same graph. */
async function stepBaseline() {
  const cfg = makeFlowConfig(2, 2, { kind }, 1);
  const spec = trainStepGraph(cfg);
  const P = initParams(flowLayout(cfg), 1);
  const B = 200;
  const feeds = () => ({
    params: { dims: [P.length], data: P },
    m: { dims: [P.length], data: new Float32Array(P.length) },
    v: { dims: [P.length], data: new Float32Array(P.length) },
    t: { dims: [], data: Float32Array.of(1) },
    lr: { dims: [], data: Float32Array.of(5e-4) },
    theta: { dims: [B, 2], data: Float32Array.from({ length: 2 * B }, (_, i) => Math.sin(i)) },
    x: { dims: [B, 2], data: Float32Array.from({ length: 2 * B }, (_, i) => Math.cos(i)) },
  });
  const out = {};
  const cpu = {};
  for (const backend of ['ort', 'js']) {
    const exe = await createExecutor(spec, backend);
    const times = [];
    const cpuTimes = [];
    for (let i = 0; i < (backend === 'ort' ? 200 : 15); i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await exe.run(feeds());
      const c = process.cpuUsage(c0);
      if (i >= 3) {
        times.push(performance.now() - t0);
        cpuTimes.push((c.user + c.system) / 1000);
      }
    }
    await exe.release();
    out[backend] = median(times);
    cpu[backend] = median(cpuTimes);
  }
  // CPU time is what the step costs this process; wall time also holds the waits for the other processes'
  // share of the cores (the machine is shared), so both are reported.
  return { nodes: spec.nodes.length, params: P.length, batch: B, ortMsPerStep: out.ort, jsMsPerStep: out.js, jsOverOrt: out.js / out.ort, ortCpuMsPerStep: cpu.ort, jsCpuMsPerStep: cpu.js };
}

const started = performance.now();
const load = { before: loadavg() };
const baseline = await stepBaseline();
log(`train step: ORT ${baseline.ortMsPerStep.toFixed(2)} ms (CPU ${baseline.ortCpuMsPerStep.toFixed(2)} ms), JS ${baseline.jsMsPerStep.toFixed(1)} ms`);
const results = [];
for (const name of tasks) {
  const task = getTask(name);
  for (const budget of budgets) {
    const { theta, x } = simulateDataset(task, budget, 1000 + budget);
    let lastLine = 0;
    // The main thread only waits while the worker trains: the process's CPU time is the training's.
    const cpu0 = process.cpuUsage();
    const trained = await trainInWorker(theta, task.thetaDim, x, task.xDim, { seed: 1, maxEpochs, flow: { kind } }, (p) => {
      if (p.seconds - lastLine > 30) {
        lastLine = p.seconds;
        log(`${name} ${budget}: epoch ${p.epoch} val ${p.validationLoss.toFixed(4)} (${p.seconds.toFixed(0)} s)`);
      }
    });
    const cpu = process.cpuUsage(cpu0);
    const posterior = await posteriorFromTrained(trained, task.prior);
    const perObs = [];
    for (let o = 1; o <= nObs; o++) {
      const ref = loadReference(name, o);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const { samples, acceptance } = await posterior.sample(nSamples, ref.observation, { seed: o });
      const sampleSeconds = (performance.now() - t0) / 1000;
      const sc = process.cpuUsage(c0);
      const value = await c2st(ref.samples, samples, task.thetaDim, { seed: 1, engine: c2stImpl });
      perObs.push({ observation: o, c2st: value, sampleSeconds, sampleCpuSeconds: (sc.user + sc.system) / 1e6, acceptance });
      log(`${name} ${budget} obs ${o}: C2ST ${value.toFixed(3)} (sampling ${sampleSeconds.toFixed(3)} s)`);
    }
    await posterior.release();
    const c = perObs.map((r) => r.c2st);
    results.push({
      task: name,
      simulations: budget,
      flow: kind,
      trainSeconds: trained.seconds,
      trainCpuSeconds: (cpu.user + cpu.system) / 1e6,
      epochs: trained.epochs,
      bestEpoch: trained.bestEpoch,
      secondsPerEpoch: trained.seconds / trained.epochs,
      c2stMean: mean(c),
      c2stMedian: median(c),
      c2stObs1to5Mean: c.length >= 5 ? mean(c.slice(0, 5)) : null,
      sample10kSecondsMedian: median(perObs.map((r) => (r.sampleSeconds * 10000) / nSamples)),
      sample10kCpuSecondsMedian: median(perObs.map((r) => (r.sampleCpuSeconds * 10000) / nSamples)),
      perObservation: perObs,
    });
  }
}
const twoMoons10k = results.find((r) => r.task === 'two_moons' && r.simulations === 10000);
const speed = twoMoons10k
  ? {
      sbiTrainSeconds: SBI[kind].trainSeconds,
      trainSpeedupVsSbi: SBI[kind].trainSeconds / twoMoons10k.trainSeconds,
      sbiC2stObs1to5: SBI[kind].c2stObs1to5,
      c2stObs1to5: twoMoons10k.c2stObs1to5Mean,
      sbiSample10kSeconds: SBI.sample10kSeconds,
      sampleSpeedVsSbi: SBI.sample10kSeconds / twoMoons10k.sample10kSecondsMedian,
    }
  : null;
load.after = loadavg();
console.log(
  JSON.stringify(
    {
      config: { tasks, budgets, observations: nObs, flow: kind, samples: nSamples, maxEpochs: maxEpochs ?? null, c2st: c2stImpl },
      loadavg: load,
      stepBaseline: baseline,
      speedTwoMoons10k: speed,
      results,
      seconds: (performance.now() - started) / 1000,
    },
    null,
    1,
  ),
);
