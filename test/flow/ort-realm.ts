/**
 * Jest runs tests in a vm context whose typed-array constructors differ from the main realm's, while
 * onnxruntime-node's native binding returns main-realm arrays; onnxruntime-common's `instanceof` checks then
 * reject every output. Import this module first in tests that run ONNX Runtime: it makes the test realm use
 * the main realm's constructors (plain Node, outside jest, needs nothing of the kind).
 */
import vm from 'node:vm';

for (const name of ['Float32Array', 'Float64Array', 'Int32Array', 'BigInt64Array', 'Uint16Array', 'Int8Array', 'Int16Array', 'Uint32Array', 'BigUint64Array']) {
  (globalThis as Record<string, unknown>)[name] = vm.runInThisContext(name);
}
