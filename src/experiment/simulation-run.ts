import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InputError } from '../errors.js';
import { writeArrow, type ColumnTable } from '../store/arrow.js';
import { writeFileAtomic } from '../store/atomic.js';
import { prepareSimulation, simulateBatch, type SimulationResult } from '../simulator/index.js';
import type { TimeSeries } from '../timeseries.js';
import { connectomeOf, parameterSetOf, parseSimulationSection, simulationShape, simulationSpecOf, type SimulationSection } from './simulation.js';
import { setParameter, setParameters } from './parameter-path.js';

export type MonitorName = 'raw' | 'tavg' | 'bold' | 'balloon';

export interface SimulateOptions {
  /** `path → value` applied to every simulation. */
  set?: Record<string, number>;
  /** One simulation per value of this parameter path. */
  vary?: { path: string; values: number[] };
  /** Simulations per parameter set, with seeds seed, seed+1, … (default 1). */
  repeats?: number;
  /** Monitor outputs to keep (default all): the others are not stored. */
  keep?: MonitorName[];
}

export interface SimulationRunRecord {
  index: number;
  seed: number;
  parameters: Record<string, number>;
  diverged: boolean;
  divergedAt?: number;
}

export interface ExperimentSimulation {
  section: SimulationSection;
  labels: string[];
  records: SimulationRunRecord[];
  results: SimulationResult[];
  steps: number;
  wallSeconds: number;
}

/** Reads the simulation sections of an experiment file (other sections, e.g. prior or features, are ignored here). */
export function readSimulationSection(file: string): SimulationSection {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message} — fix: give a readable YAML experiment file`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError(`${file} is not a YAML mapping — fix: start from templates/experiments/simulate-example.yaml`);
  const picked = Object.fromEntries(Object.entries(doc).filter(([k]) => k in simulationShape));
  return parseSimulationSection(picked, file);
}

/** Runs the experiment's simulation (or a small batch of variations) in one batch call. */
export function simulateExperiment(file: string, opts: SimulateOptions = {}): ExperimentSimulation {
  const base = readSimulationSection(file);
  const connectome = connectomeOf(base, file);
  const n = connectome.n;
  const section = setParameters(base, opts.set ?? {}, n);
  const setup = prepareSimulation(simulationSpecOf(section, connectome));
  const variants = opts.vary ? opts.vary.values.map((v) => ({ section: setParameter(section, opts.vary!.path, v, n), parameters: { ...opts.set, [opts.vary!.path]: v } })) : [{ section, parameters: { ...opts.set } }];
  const repeats = opts.repeats ?? 1;
  const records: SimulationRunRecord[] = [];
  const params = [];
  for (const v of variants) {
    for (let k = 0; k < repeats; k++) {
      const seed = section.integrator.seed + k;
      if (seed > 0xffffffff) throw new InputError(`seed ${seed} exceeds 2^32 − 1 — fix: lower integrator.seed or the repeat count`);
      records.push({ index: records.length, seed, parameters: v.parameters, diverged: false });
      params.push(parameterSetOf(v.section, n));
    }
  }
  const t0 = performance.now();
  const results = simulateBatch(setup, params, records.map((r) => r.seed), { keep: opts.keep });
  const wallSeconds = (performance.now() - t0) / 1000;
  results.forEach((r, i) => {
    records[i].diverged = r.diverged;
    if (r.divergedAt !== undefined) records[i].divergedAt = r.divergedAt;
  });
  return { section, labels: connectome.labels, records, results, steps: setup.nSteps, wallSeconds };
}

/** The monitors a section records, in the order `simulate` prefers them. */
export function recordedMonitors(section: SimulationSection): MonitorName[] {
  return (['tavg', 'raw', 'bold', 'balloon'] as const).filter((m) => section.monitors[m] !== undefined);
}

/**
 * One monitor's output as a table: `t, r0..r{N-1}, V0..V{N-1}` (Balloon: `t, bold0..`), with a leading
 * `sim` column when there are several simulations.
 */
export function monitorTable(sim: ExperimentSimulation, monitor: MonitorName): ColumnTable {
  const pick = (r: SimulationResult): TimeSeries[] => {
    if (monitor === 'balloon') return [r.balloon!];
    const m = r[monitor]!;
    return [m.r, m.V];
  };
  const first = pick(sim.results[0]);
  const n = first[0].nRegions;
  const nT = first[0].nTime;
  const rows = nT * sim.results.length;
  const prefixes = monitor === 'balloon' ? ['bold'] : ['r', 'V'];
  const names: string[] = [];
  const columns: (Float64Array | Int32Array)[] = [];
  if (sim.results.length > 1) {
    names.push('sim');
    columns.push(Int32Array.from({ length: rows }, (_, k) => Math.floor(k / nT)));
  }
  const t = new Float64Array(rows);
  sim.results.forEach((_, s) => t.set(first[0].time, s * nT));
  names.push('t');
  columns.push(t);
  prefixes.forEach((p, v) => {
    for (let i = 0; i < n; i++) {
      const col = new Float64Array(rows);
      sim.results.forEach((r, s) => {
        const ts = pick(r)[v];
        for (let k = 0; k < nT; k++) col[s * nT + k] = ts.data[k * n + i];
      });
      names.push(`${p}${i}`);
      columns.push(col);
    }
  });
  return { names, columns };
}

/** Writes the table as CSV (path ends in .csv) or as an Arrow IPC file, atomically. */
export function writeMonitorTable(path: string, table: ColumnTable): void {
  if (!path.toLowerCase().endsWith('.csv')) {
    writeArrow(path, table);
    return;
  }
  const rows = table.columns[0].length;
  const lines: string[] = [table.names.join(',')];
  for (let k = 0; k < rows; k++) lines.push(table.columns.map((c) => String(c[k])).join(','));
  writeFileAtomic(path, lines.join('\n') + '\n');
}
