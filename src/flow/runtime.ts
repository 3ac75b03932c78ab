/**
 * Runs emitted graphs: onnxruntime-node sessions (one intra-op thread, as measured best on 2 shared
 * cores) or the plain-JS executor when the native runtime cannot load or is not wanted.
 */
import { JsGraph } from './interpreter.js';
import { encodeModel, type GraphSpec } from './onnx-proto.js';

export type FloatArray = Float32Array | Float64Array;
export interface Feed {
  dims: number[];
  data: FloatArray;
}
export type BackendName = 'ort' | 'js';

export interface Executor {
  readonly backend: BackendName;
  run(feeds: Record<string, Feed>): Promise<Record<string, FloatArray>>;
  release(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort | undefined> | undefined;
let ortLoadError: string | undefined;

/** Loads onnxruntime-node once; undefined (and the reason kept) when its native binding cannot load. */
export function loadOrt(): Promise<Ort | undefined> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => ((m as unknown as { default?: Ort }).default ?? m) as Ort,
    (e: unknown) => {
      ortLoadError = e instanceof Error ? e.message : String(e);
      return undefined;
    },
  );
  return ortModule;
}

export function ortUnavailableReason(): string | undefined {
  return ortLoadError;
}

let fallbackWarned = false;

/** Tells the user once per thread that the plain-JS executor replaces onnxruntime, why, and how to fix it. */
export function warnJsFallback(): void {
  if (fallbackWarned) return;
  fallbackWarned = true;
  process.stderr.write(
    `warning: onnxruntime-node cannot load (${ortLoadError ?? 'unknown reason'}); hpcinv runs its graphs on the plain-JS executor instead, which gives the same results but is 40–75× slower — fix: reinstall the dependencies (ONNXRUNTIME_NODE_INSTALL=skip npm ci) so that onnxruntime-node's native library loads\n`,
  );
}

class OrtExecutor implements Executor {
  readonly backend = 'ort';
  constructor(
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-node').InferenceSession,
    private readonly types: Record<string, 'float32' | 'float64'>,
  ) {}

  async run(feeds: Record<string, Feed>): Promise<Record<string, FloatArray>> {
    const tensors: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      const want = this.types[name] ?? 'float32';
      const data = want === 'float32' ? (f.data instanceof Float32Array ? f.data : Float32Array.from(f.data)) : f.data instanceof Float64Array ? f.data : Float64Array.from(f.data);
      tensors[name] = new this.ort.Tensor(want, data, f.dims);
    }
    const out = await this.session.run(tensors);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as FloatArray]));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

class JsExecutor implements Executor {
  readonly backend = 'js';
  private readonly graph: JsGraph;
  constructor(spec: GraphSpec) {
    this.graph = new JsGraph(spec);
  }

  async run(feeds: Record<string, Feed>): Promise<Record<string, FloatArray>> {
    const out = this.graph.run(feeds);
    const f32 = this.graph.spec.outputs.reduce<Record<string, boolean>>((m, o) => ({ ...m, [o.name]: o.type === 'float32' }), {});
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, f32[k] ? Float32Array.from(t.data) : t.data]));
  }

  async release(): Promise<void> {}
}

/**
 * An executor for `spec`. 'auto' prefers onnxruntime and falls back to the JS executor when the native
 * binding cannot load (the reason is available from `ortUnavailableReason`). `onnxBytes`, when given, is
 * the saved model file of `spec` (ORT then runs the file itself; the JS executor runs `spec`).
 */
export async function createExecutor(spec: GraphSpec, backend: BackendName | 'auto' = 'auto', onnxBytes?: Uint8Array): Promise<Executor> {
  const ort = (await resolveBackend(backend)) === 'ort' ? await loadOrt() : undefined;
  if (!ort) return new JsExecutor(spec);
  const session = await ort.InferenceSession.create(onnxBytes ?? encodeModel(spec), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const types = Object.fromEntries(spec.inputs.map((i) => [i.name, i.type as 'float32' | 'float64']));
  return new OrtExecutor(ort, session, types);
}

/**
 * The executor a backend choice gets: 'auto' is onnxruntime when its native binding loads, else the JS
 * executor with a warning (once per thread); 'ort' that cannot load is an error.
 */
export async function resolveBackend(backend: BackendName | 'auto'): Promise<BackendName> {
  if (backend === 'js') return 'js';
  if (await loadOrt()) return 'ort';
  if (backend === 'ort') throw new Error(`onnxruntime-node cannot load: ${ortLoadError}`);
  warnJsFallback();
  return 'js';
}
