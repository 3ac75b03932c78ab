import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDir } from '../../src/store/run-dir.js';
import { appendManifest, foldManifest, readManifest } from '../../src/store/manifest.js';

test('attempts fold to their latest state; a truncated last line (killed writer) is skipped', () => {
  const run = new RunDir(mkdtempSync(join(tmpdir(), 'hpcinv-manifest-')));
  try {
    const t = 'x';
    appendManifest(run, [
      { chunk: 0, attempt: 1, backend: 'local', state: 'submitting', time: t },
      { chunk: 1, attempt: 1, backend: 'local', state: 'submitting', time: t },
    ]);
    appendManifest(run, [{ chunk: 0, attempt: 1, backend: 'local', state: 'submitted', time: t, jobId: 'a', log: 'logs/a.log' }]);
    appendManifest(run, [{ chunk: 0, attempt: 1, backend: 'local', state: 'failed', time: t, reason: 'job failed' }]);
    appendManifest(run, [{ chunk: 0, attempt: 2, backend: 'local', state: 'submitted', time: t, jobId: 'b' }]);
    appendFileSync(run.manifest, '{"chunk": 1, "attempt": 1, "state": "do');
    expect(readManifest(run)).toHaveLength(5);
    const folded = foldManifest(readManifest(run));
    expect(folded.get(0)!.map((a) => [a.attempt, a.state, a.jobId, a.log])).toEqual([
      [1, 'failed', 'a', 'logs/a.log'],
      [2, 'submitted', 'b', undefined],
    ]);
    expect(folded.get(1)![0].state).toBe('submitting');
  } finally {
    rmSync(run.root, { recursive: true, force: true });
  }
});
