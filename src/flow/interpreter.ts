/**
 * A plain-JS executor of the ONNX graphs this project emits: the test oracle for onnxruntime and the
 * fallback when the native runtime cannot load. It computes in float64 whatever the graph's float type
 * and implements exactly the ops and attributes the builder uses (numpy-style broadcasting included).
 */
import type { GraphSpec, NodeSpec, TensorSpec } from './onnx-proto.js';

export interface JsTensor {
  dims: number[];
  /** Integers (int64, bool) are kept as float64 values too. */
  data: Float64Array;
  kind: 'float' | 'int';
}

const size = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

function broadcastDims(a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`broadcast [${a}] vs [${b}]`);
    return da === 1 ? db : da;
  });
}

/** Index map from output positions to positions in an input of shape `dims` broadcast to `out`. */
function broadcastIndex(dims: number[], out: number[]): Int32Array {
  const n = size(out);
  const idx = new Int32Array(n);
  if (dims.length === out.length && dims.every((d, i) => d === out[i])) {
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx;
  }
  const pad = out.length - dims.length;
  const inStr = strides(dims);
  const outStr = strides(out);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let j = 0;
    for (let ax = 0; ax < out.length; ax++) {
      const c = Math.floor(rem / outStr[ax]!);
      rem -= c * outStr[ax]!;
      const d = ax - pad;
      if (d >= 0 && dims[d] !== 1) j += c * inStr[d]!;
    }
    idx[i] = j;
  }
  return idx;
}

function elementwise(a: JsTensor, b: JsTensor, f: (x: number, y: number) => number, kind: JsTensor['kind'] = a.kind): JsTensor {
  const dims = broadcastDims(a.dims, b.dims);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const out = new Float64Array(size(dims));
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[ia[i]!]!, b.data[ib[i]!]!);
  return { dims, data: out, kind };
}

function map(a: JsTensor, f: (x: number) => number): JsTensor {
  return { dims: a.dims, data: a.data.map(f), kind: a.kind };
}

function gemm(a: JsTensor, b: JsTensor, transA: boolean, transB: boolean): JsTensor {
  const [m, k] = transA ? [a.dims[1]!, a.dims[0]!] : [a.dims[0]!, a.dims[1]!];
  const n = transB ? b.dims[0]! : b.dims[1]!;
  const out = new Float64Array(m * n);
  const A = a.data;
  const B = b.data;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = transA ? A[p * m + i]! : A[i * k + p]!;
      if (av === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += av * (transB ? B[j * k + p]! : B[p * n + j]!);
    }
  }
  return { dims: [m, n], data: out, kind: 'float' };
}

function reduce(x: JsTensor, axes: number[], keepdims: boolean, mean: boolean): JsTensor {
  const ax = axes.map((a) => (a < 0 ? a + x.dims.length : a));
  const keptDims = x.dims.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Float64Array(size(keptDims));
  const idx = broadcastIndex(keptDims, x.dims);
  for (let i = 0; i < x.data.length; i++) out[idx[i]!] += x.data[i]!;
  if (mean) {
    const count = ax.reduce((s, a) => s * x.dims[a]!, 1);
    for (let i = 0; i < out.length; i++) out[i]! /= count;
  }
  return { dims: keepdims ? keptDims : x.dims.filter((_, i) => !ax.includes(i)), data: out, kind: x.kind };
}

const ints = (t: JsTensor): number[] => Array.from(t.data);
const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const softplus = (v: number): number => (v > 20 ? v : Math.log1p(Math.exp(v)));

function run(node: NodeSpec, ins: JsTensor[]): JsTensor {
  const attr = (name: string): number | undefined => {
    const a = node.attrs?.[name];
    return a && (a.kind === 'int' || a.kind === 'float') ? a.value : undefined;
  };
  const intsAttr = (name: string): number[] => {
    const a = node.attrs?.[name];
    return a?.kind === 'ints' ? a.value : [];
  };
  const [a, b] = ins as [JsTensor, JsTensor];
  switch (node.op) {
    case 'Identity':
      return a;
    case 'MatMul':
      return gemm(a, b, false, false);
    case 'Gemm':
      return gemm(a, b, attr('transA') === 1, attr('transB') === 1);
    case 'Add':
      return elementwise(a, b, (x, y) => x + y);
    case 'Sub':
      return elementwise(a, b, (x, y) => x - y);
    case 'Mul':
      return elementwise(a, b, (x, y) => x * y);
    case 'Div':
      return elementwise(a, b, (x, y) => x / y);
    case 'Pow':
      return elementwise(a, b, (x, y) => Math.pow(x, y));
    case 'Min':
      return elementwise(a, b, (x, y) => Math.min(x, y));
    case 'Greater':
      return elementwise(a, b, (x, y) => (x > y ? 1 : 0), 'int');
    case 'GreaterOrEqual':
      return elementwise(a, b, (x, y) => (x >= y ? 1 : 0), 'int');
    case 'LessOrEqual':
      return elementwise(a, b, (x, y) => (x <= y ? 1 : 0), 'int');
    case 'Neg':
      return map(a, (v) => -v);
    case 'Abs':
      return map(a, Math.abs);
    case 'Tanh':
      return map(a, Math.tanh);
    case 'Sigmoid':
      return map(a, sigmoid);
    case 'Exp':
      return map(a, Math.exp);
    case 'Log':
      return map(a, Math.log);
    case 'Softplus':
      return map(a, softplus);
    case 'Relu':
      return map(a, (v) => (v > 0 ? v : 0));
    case 'Sqrt':
      return map(a, Math.sqrt);
    case 'Cast':
      return { dims: a.dims, data: a.data, kind: attr('to') === 1 || attr('to') === 11 ? 'float' : 'int' };
    case 'ReduceSum':
    case 'ReduceMean':
      return reduce(a, b ? ints(b) : intsAttr('axes'), attr('keepdims') !== 0, node.op === 'ReduceMean');
    case 'ReduceMax': {
      const ax = intsAttr('axes').map((x) => (x < 0 ? x + a.dims.length : x));
      const keptDims = a.dims.map((d, i) => (ax.includes(i) ? 1 : d));
      const out = new Float64Array(size(keptDims)).fill(-Infinity);
      const idx = broadcastIndex(keptDims, a.dims);
      for (let i = 0; i < a.data.length; i++) out[idx[i]!] = Math.max(out[idx[i]!]!, a.data[i]!);
      return { dims: attr('keepdims') !== 0 ? keptDims : a.dims.filter((_, i) => !ax.includes(i)), data: out, kind: a.kind };
    }
    case 'Unsqueeze': {
      const dims = [...a.dims];
      const axes = ints(b).map((x) => (x < 0 ? x + a.dims.length + 1 : x)).sort((p, q) => p - q);
      for (const x of axes) dims.splice(x, 0, 1);
      return { dims, data: a.data, kind: a.kind };
    }
    case 'Expand': {
      const dims = broadcastDims(a.dims, ints(b));
      const idx = broadcastIndex(a.dims, dims);
      return { dims, data: Float64Array.from(idx, (i) => a.data[i]!), kind: a.kind };
    }
    case 'Shape': {
      const start = attr('start') ?? 0;
      const end = attr('end') ?? a.dims.length;
      const d = a.dims.slice(start, end);
      return { dims: [d.length], data: Float64Array.from(d), kind: 'int' };
    }
    case 'Reshape': {
      const target = ints(b);
      const known = target.reduce((s, d, i) => s * (d === -1 ? 1 : d === 0 ? a.dims[i]! : d), 1);
      const dims = target.map((d, i) => (d === -1 ? a.data.length / known : d === 0 ? a.dims[i]! : d));
      return { dims, data: a.data, kind: a.kind };
    }
    case 'Slice': {
      // data[start:end] along one axis (axis 0 unless an axes input is given), steps of 1.
      const axis = ins[3] ? ((ints(ins[3])[0]! % a.dims.length) + a.dims.length) % a.dims.length : 0;
      const along = a.dims[axis]!;
      const start = Math.min(ints(b)[0]!, along);
      return take(a, axis, start, Math.min(ints(ins[2]!)[0]!, along) - start);
    }
    case 'Concat': {
      const axis = (attr('axis') ?? 0) < 0 ? attr('axis')! + a.dims.length : attr('axis') ?? 0;
      const outer = size(a.dims.slice(0, axis));
      const dims = [...a.dims];
      dims[axis] = ins.reduce((s, t) => s + t.dims[axis]!, 0);
      const out = new Float64Array(size(dims));
      let o = 0;
      for (let r = 0; r < outer; r++) {
        for (const t of ins) {
          const chunk = size(t.dims.slice(axis));
          out.set(t.data.subarray(r * chunk, (r + 1) * chunk), o);
          o += chunk;
        }
      }
      return { dims, data: out, kind: a.kind };
    }
    default:
      throw new Error(`JS executor: op ${node.op} not implemented`);
  }
}

/** The `n` entries from `start` along `axis` (a copy). */
function take(a: JsTensor, axis: number, start: number, n: number): JsTensor {
  const outer = size(a.dims.slice(0, axis));
  const inner = size(a.dims.slice(axis + 1));
  const along = a.dims[axis]!;
  const out = new Float64Array(outer * n * inner);
  for (let r = 0; r < outer; r++) out.set(a.data.subarray((r * along + start) * inner, (r * along + start + n) * inner), r * n * inner);
  return { dims: a.dims.map((d, i) => (i === axis ? n : d)), data: out, kind: a.kind };
}

/** Split along one axis into the given sizes. */
function split(a: JsTensor, sizes: JsTensor, axisAttr: number): JsTensor[] {
  const axis = axisAttr < 0 ? axisAttr + a.dims.length : axisAttr;
  let offset = 0;
  return ints(sizes).map((n) => {
    const part = take(a, axis, offset, n);
    offset += n;
    return part;
  });
}

function fromSpec(t: TensorSpec): JsTensor {
  const data = t.data instanceof BigInt64Array ? Float64Array.from(t.data, Number) : Float64Array.from(t.data as ArrayLike<number>);
  return { dims: t.dims, data, kind: t.type === 'float32' || t.type === 'float64' ? 'float' : 'int' };
}

/** A graph prepared for repeated runs on the JS executor. */
export class JsGraph {
  private readonly inits: Map<string, JsTensor>;

  constructor(readonly spec: GraphSpec) {
    this.inits = new Map(spec.initializers.map((t) => [t.name, fromSpec(t)]));
  }

  run(feeds: Record<string, { dims: number[]; data: ArrayLike<number> }>): Record<string, JsTensor> {
    const env = new Map(this.inits);
    for (const inp of this.spec.inputs) {
      const f = feeds[inp.name];
      if (!f) throw new Error(`JS executor: missing input ${inp.name}`);
      env.set(inp.name, { dims: f.dims, data: Float64Array.from(f.data), kind: 'float' });
    }
    for (const node of this.spec.nodes) {
      const ins = node.inputs.map((n) => {
        const t = env.get(n);
        if (!t) throw new Error(`JS executor: value ${n} used before it is computed`);
        return t;
      });
      const axis = node.attrs?.axis;
      if (node.op === 'Split') split(ins[0]!, ins[1]!, axis?.kind === 'int' ? axis.value : 0).forEach((t, i) => env.set(node.outputs[i]!, t));
      else env.set(node.outputs[0]!, run(node, ins));
    }
    return Object.fromEntries(this.spec.outputs.map((o) => [o.name, env.get(o.name)!]));
  }
}
