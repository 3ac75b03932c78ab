import { elementArgs, packElements, splitArrays } from '../../../src/jobs/slurm/arrays.js';

describe('array packing and splitting', () => {
  test('one chunk per element by default, grouped by attempt, in chunk order', () => {
    const e = packElements([{ chunk: 4, attempt: 2 }, { chunk: 1, attempt: 1 }, { chunk: 0, attempt: 1 }], 1);
    expect(e).toEqual([{ attempt: 1, chunks: [0] }, { attempt: 1, chunks: [1] }, { attempt: 2, chunks: [4] }]);
    expect(e.map(elementArgs)).toEqual(['--chunk 0 --attempt 1', '--chunk 1 --attempt 1', '--chunk 4 --attempt 2']);
  });

  test('tiny chunks share elements, never across attempt numbers', () => {
    const attempts = [...Array.from({ length: 7 }, (_, i) => ({ chunk: i, attempt: 1 })), { chunk: 9, attempt: 3 }];
    const e = packElements(attempts, 3);
    expect(e.map((x) => x.chunks)).toEqual([[0, 1, 2], [3, 4, 5], [6], [9]]);
    expect(elementArgs(e[0]!)).toBe('--chunk 0 --chunk 1 --chunk 2 --attempt 1');
    // Every attempt lands in exactly one element.
    expect(e.flatMap((x) => x.chunks.map((c) => `${c}:${x.attempt}`)).sort()).toEqual(attempts.map((a) => `${a.chunk}:${a.attempt}`).sort());
  });

  test('above MaxArraySize the elements are split into arrays indexed from 0 with offsets', () => {
    expect(splitArrays(2500, 1001, 8)).toEqual([
      { offset: 0, count: 1001, spec: '0-1000%8' },
      { offset: 1001, count: 1001, spec: '0-1000%8' },
      { offset: 2002, count: 498, spec: '0-497%8' },
    ]);
    // Every element index is covered once.
    const covered = splitArrays(2500, 1001).flatMap((p) => Array.from({ length: p.count }, (_, i) => p.offset + i));
    expect(covered).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  test('no throttle when it would not limit anything; a single element is index 0', () => {
    expect(splitArrays(4, 1001, 8)).toEqual([{ offset: 0, count: 4, spec: '0-3' }]);
    expect(splitArrays(1, 1001, 2)).toEqual([{ offset: 0, count: 1, spec: '0' }]);
    expect(splitArrays(0, 1001, 2)).toEqual([]);
  });
});
