import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDir } from '../../src/store/run-dir.js';
import { checkChunk, quarantineChunk, writeChunkOutput } from '../../src/store/done-marker.js';
import { encodeArrow } from '../../src/store/arrow.js';

let run: RunDir;
beforeEach(() => {
  run = new RunDir(mkdtempSync(join(tmpdir(), 'hpcinv-marker-')));
});
afterEach(() => rmSync(run.root, { recursive: true, force: true }));

function writeChunk(id: number, rows: number): Uint8Array {
  const bytes = encodeArrow({ names: ['sample'], columns: [Int32Array.from({ length: rows }, (_, i) => i)] });
  writeChunkOutput(run, id, bytes, { chunk: id, attempt: 1, jobId: 'j', host: 'h', rows, computeSeconds: 0.1, diverged: 0, version: '0.1.0', finished: 'now' });
  return bytes;
}

test('a written chunk verifies, and its marker carries the sha256 of the file (computed independently)', () => {
  const bytes = writeChunk(3, 5);
  const check = checkChunk(run, 3, 5);
  expect(check.ok).toBe(true);
  const marker = JSON.parse(readFileSync(run.doneMarker(3), 'utf8'));
  expect(marker.sha256).toBe(createHash('sha256').update(readFileSync(run.chunkFile(3))).digest('hex'));
  expect(marker.bytes).toBe(bytes.length);
});

test('truncated, corrupted, marker-less and wrong-row-count chunks are all detected', () => {
  writeChunk(0, 5);
  truncateSync(run.chunkFile(0), 10);
  expect(checkChunk(run, 0, 5)).toMatchObject({ ok: false, reason: 'size' });

  const bytes = writeChunk(1, 5);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length >> 1] ^= 0xff;
  writeFileSync(run.chunkFile(1), flipped);
  expect(checkChunk(run, 1, 5)).toMatchObject({ ok: false, reason: 'checksum' });

  writeChunk(2, 5);
  rmSync(run.doneMarker(2));
  expect(checkChunk(run, 2, 5)).toMatchObject({ ok: false, reason: 'no-marker' });

  writeChunk(4, 5);
  expect(checkChunk(run, 4, 6)).toMatchObject({ ok: false, reason: 'rows' });

  writeChunk(5, 5);
  writeFileSync(run.doneMarker(5), '{"chunk": 5, "rows"');
  expect(checkChunk(run, 5, 5)).toMatchObject({ ok: false, reason: 'bad-marker' });

  expect(checkChunk(run, 9, 5)).toMatchObject({ ok: false, reason: 'missing' });
});

test('quarantine moves both files aside so the chunk reads as missing', () => {
  writeChunk(7, 2);
  quarantineChunk(run, 7);
  expect(existsSync(run.chunkFile(7)) || existsSync(run.doneMarker(7))).toBe(false);
  expect(readdirSync(join(run.chunksDir, 'invalid'))).toHaveLength(2);
  expect(checkChunk(run, 7, 2)).toMatchObject({ ok: false, reason: 'missing' });
});
