/**
 * The MPR network simulator (TVB semantics, shared/spec/tvb-mpr.md). Typical use by a sweep:
 *
 *   const setup = prepareSimulation(spec);                 // connectome, delays, step count — once
 *   const results = simulateBatch(setup, paramSets, seeds); // one result per parameter set, in order
 *
 * Per simulation: every MPR parameter (scalar or per node), coupling a and b, and nsig may differ;
 * the connectome, speed, dt, duration, history kind, RNG kind and monitors are shared.
 */
export { prepareSimulation, simulateBatch, historyBytesPerSimulation, type SimulationSpec, type SimulationSetup, type SimulationResult, type BatchOptions } from './simulate.js';
export { defaultParameterSet, mprDefaults, linearDefaults, mprParameterNames, type MprParameterName, type ParameterSet, type NodeValue } from './params.js';
export { createRandom, type RngKind, type RandomSource } from './rng.js';
export type { MonitorOutputs } from './monitors/monitor.js';
export { balloonConstants } from './monitors/balloon.js';
export { volterraDefaults, volterraKernel } from './monitors/bold.js';
