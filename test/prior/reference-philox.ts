/** Philox4x32-10 written a second way for the tests, with BigInt arithmetic, straight from the paper's round function. */
export function philoxBigInt(counter: bigint[], key: bigint[]): bigint[] {
  const mask = 0xffffffffn;
  let [x0, x1, x2, x3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * x0;
    const p1 = 0xcd9e8d57n * x2;
    [x0, x1, x2, x3] = [((p1 >> 32n) ^ x1 ^ k0) & mask, p1 & mask, ((p0 >> 32n) ^ x3 ^ k1) & mask, p0 & mask];
    k0 = (k0 + 0x9e3779b9n) & mask;
    k1 = (k1 + 0xbb67ae85n) & mask;
  }
  return [x0, x1, x2, x3];
}

/** The documented uniform of prior row `row`, parameter `path`, seed `seed`, recomputed with BigInt. */
export function documentedUniform(seed: number, row: number, path: string): number {
  let hash = 0x811c9dc5n;
  for (const ch of path) hash = ((hash ^ BigInt(ch.charCodeAt(0))) * 0x01000193n) & 0xffffffffn;
  return documentedUniformWithStream(seed, row, Number(hash));
}

/** The same with the parameter's stream word given directly. */
export function documentedUniformWithStream(seed: number, row: number, stream: number): number {
  const hash = BigInt(stream);
  const s = BigInt(seed);
  const r = BigInt(row);
  const [w0, w1] = philoxBigInt([r & 0xffffffffn, r >> 32n, hash, 0x70726972n], [s & 0xffffffffn, s >> 32n]);
  const k = ((w0 >> 6n) << 26n) | (w1 >> 6n);
  return (Number(k) + 0.5) / 2 ** 52;
}
