/**
 * Reverse-mode autodiff over the builder's tape: walks the recorded ops backwards and emits each op's
 * vector-Jacobian product as standard ONNX ops (onnxruntime-node has no gradient kernels, so every
 * gradient is spelled with inference ops: Gemm for MatMul, ReduceSum for broadcasts, Expand for reductions).
 */
import type { Dim, GraphBuilder, TapeEntry, Val } from './graph.js';

/** Sums `g` (shaped like an op's output) down to `target`'s shape, undoing broadcasting. */
function unbroadcast(b: GraphBuilder, g: Val, target: Dim[]): Val {
  let out = g;
  const lead = g.shape.length - target.length;
  if (lead === 1 && g.shape.length === 2 && typeof g.shape[0] === 'string') {
    // A bias broadcast over the rows: onnxruntime's ReduceSum over axis 0 of [200, 50] takes ~7 µs, a
    // [1, N]·[N, 50] MatMul with a row of ones ~1 µs.
    const n = g.shape[1]!;
    out = b.emit('Reshape', [b.emit('MatMul', [b.onesRow(g), g], [1, n], g.type), b.int64([-1])], [n], g.type);
  } else {
    for (let i = 0; i < lead; i++) {
      out = b.emit('ReduceSum', [out, b.int64([0])], out.shape.slice(1), g.type, { keepdims: { kind: 'int', value: 0 } });
    }
  }
  const axes = target.map((d, i) => (d === 1 && out.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (axes.length > 0) {
    const shape = out.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    out = b.emit('ReduceSum', [out, b.int64(axes)], shape, g.type, { keepdims: { kind: 'int', value: 1 } });
  }
  return out;
}

/** The shape of `x` as a Reshape target: a constant when at most one dimension is symbolic (as −1). */
function shapeOf(b: GraphBuilder, x: Val): Val {
  const symbolic = x.shape.filter((d) => typeof d === 'string').length;
  if (symbolic <= 1) return b.int64(x.shape.map((d) => (typeof d === 'string' ? -1 : d)));
  return b.emit('Shape', [x], [x.shape.length], 'int64');
}

/** Gradient contributions of one tape entry, aligned with its inputs (undefined: no gradient needed). */
function vjp(b: GraphBuilder, e: TapeEntry, g: Val): (Val | undefined)[] {
  const [x, y] = e.inputs as [Val, Val | undefined];
  const out = e.output;
  const need = (v: Val | undefined): boolean => v !== undefined && b.needsGrad.has(v.name);
  switch (e.op) {
    case 'MatMul': {
      const gemm = (a: Val, c: Val, transA: number, transB: number, shape: Dim[]): Val =>
        b.emit('Gemm', [a, c], shape, g.type, { transA: { kind: 'int', value: transA }, transB: { kind: 'int', value: transB } });
      return [
        need(x) ? gemm(g, y!, 0, 1, x.shape) : undefined,
        need(y) ? gemm(x, g, 1, 0, y!.shape) : undefined,
      ];
    }
    case 'Add':
      return [need(x) ? unbroadcast(b, g, x.shape) : undefined, need(y) ? unbroadcast(b, g, y!.shape) : undefined];
    case 'Sub':
      return [need(x) ? unbroadcast(b, g, x.shape) : undefined, need(y) ? unbroadcast(b, b.neg(g), y!.shape) : undefined];
    case 'Mul':
      return [
        need(x) ? unbroadcast(b, b.mul(g, y!), x.shape) : undefined,
        need(y) ? unbroadcast(b, b.mul(g, x), y!.shape) : undefined,
      ];
    case 'Div': {
      const gx = b.div(g, y!);
      return [need(x) ? unbroadcast(b, gx, x.shape) : undefined, need(y) ? unbroadcast(b, b.neg(b.mul(gx, out)), y!.shape) : undefined];
    }
    case 'Neg':
      return [b.neg(g)];
    case 'Tanh':
      return [b.mul(g, b.sub(b.scalar(1), b.mul(out, out)))];
    case 'Sigmoid':
      return [b.mul(g, b.mul(out, b.sub(b.scalar(1), out)))];
    case 'Exp':
      return [b.mul(g, out)];
    case 'Log':
      return [b.div(g, x)];
    case 'Softplus':
      return [b.mul(g, b.sigmoid(x))];
    case 'Relu': {
      const positive = b.emit('Greater', [x, b.scalar(0)], x.shape, 'bool');
      return [b.mul(g, b.emit('Cast', [positive], x.shape, g.type, { to: { kind: 'int', value: g.type === 'float32' ? 1 : 11 } }))];
    }
    case 'Sqrt':
      return [b.div(b.mul(g, b.scalar(0.5)), out)];
    case 'Reshape':
      return [b.emit('Reshape', [g, shapeOf(b, x)], x.shape, g.type)];
    case 'Split':
      throw new Error('Split has several outputs: its gradient is assembled in gradients()');
    case 'Concat': {
      const ax = e.axis!;
      const parts = e.inputs.map((p) => ({ name: b.fresh('dpart'), shape: p.shape, type: g.type }) as Val);
      const widths = e.inputs.map((p) => p.shape[ax] as number);
      b.splitNode(g.name, widths, ax, parts.map((p) => p.name));
      return parts;
    }
    case 'ReduceSum':
    case 'ReduceMean': {
      const ax = e.axis!;
      const kept = e.keepdims ? g : b.emit('Unsqueeze', [g, b.int64([ax])], x.shape.map((d, i) => (i === ax ? 1 : d)), g.type);
      // Expand broadcasts, so symbolic dimensions that `kept` already has can be given as 1.
      const to = typeof x.shape[ax] === 'number' ? b.int64(x.shape.map((d) => (typeof d === 'string' ? 1 : d))) : b.emit('Shape', [x], [x.shape.length], 'int64');
      const spread = b.emit('Expand', [kept, to], x.shape, g.type);
      if (e.op === 'ReduceSum') return [spread];
      const n = x.shape[ax];
      if (typeof n === 'number') return [b.mul(spread, b.scalar(1 / n))];
      // The batch size is only known at run time: read it from the input's shape.
      const count = b.emit('Shape', [x], [1], 'int64', { start: { kind: 'int', value: ax }, end: { kind: 'int', value: ax + 1 } });
      const countF = b.emit('Cast', [count], [1], g.type, { to: { kind: 'int', value: g.type === 'float32' ? 1 : 11 } });
      return [b.div(spread, countF)];
    }
  }
}

/**
 * Emits d(loss)/d(wrt) for a scalar `loss`. Leaves that the loss does not reach get zero gradients.
 */
export function gradients(b: GraphBuilder, loss: Val, wrt: Val[]): Val[] {
  return b.untaped(() => {
    const grads = new Map<string, Val>();
    if (loss.shape.length !== 0) throw new Error(`gradients need a scalar loss, got shape [${loss.shape}]`);
    grads.set(loss.name, b.scalar(1));
    for (let i = b.tape.length - 1; i >= 0; i--) {
      const e = b.tape[i]!;
      let contribs: (Val | undefined)[];
      if (e.outputs) {
        // Split: the input's gradient is the outputs' gradients side by side (zeros where none arrived).
        const gs = e.outputs.map((o) => grads.get(o.name));
        if (gs.every((g) => !g)) continue;
        const parts = gs.map((g, k) => g ?? b.mul(b.emit('Identity', [e.outputs![k]!], e.outputs![k]!.shape, e.output.type), b.scalar(0)));
        contribs = [b.emit('Concat', parts, e.inputs[0]!.shape, e.output.type, { axis: { kind: 'int', value: e.axis! } })];
      } else {
        const g = grads.get(e.output.name);
        if (!g) continue;
        contribs = vjp(b, e, g);
      }
      e.inputs.forEach((inp, k) => {
        const c = contribs[k];
        if (!c || !b.needsGrad.has(inp.name)) return;
        const prev = grads.get(inp.name);
        grads.set(inp.name, prev ? b.add(prev, c) : c);
      });
    }
    return wrt.map((w) => grads.get(w.name) ?? b.mul(b.emit('Identity', [w], w.shape, w.type), b.scalar(0)));
  });
}
