import cliProgress from 'cli-progress';
import type { SweepProgress } from '../jobs/lifecycle.js';

export interface ProgressReporter {
  update(p: SweepProgress): void;
  /** A message that must not be overwritten by the bar. */
  note(message: string): void;
  stop(): void;
}

/** Simulations per second since this orchestrator started, and the time left at that rate. */
export function rates(p: SweepProgress): { simsPerSecond: number; etaSeconds: number | null } {
  const simsPerSecond = p.elapsedSeconds > 0 ? p.samplesDoneHere / p.elapsedSeconds : 0;
  const left = p.samplesTotal - p.samplesDone;
  return { simsPerSecond, etaSeconds: left === 0 ? 0 : simsPerSecond > 0 ? left / simsPerSecond : null };
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** A bar on a TTY (chunks done, simulations/s, ETA); plain, throttled lines otherwise (logs, CI). */
export function createReporter(stream: NodeJS.WriteStream = process.stderr, opts: { plainEveryMs?: number } = {}): ProgressReporter {
  return stream.isTTY ? new BarReporter(stream) : new LineReporter(stream, opts.plainEveryMs ?? 5000);
}

class BarReporter implements ProgressReporter {
  private bar: cliProgress.SingleBar;
  private started = false;
  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'chunks {bar} {value}/{total} | running {running} | failed {failed} | {rate} sims/s | ETA {eta_h}',
        hideCursor: true,
        etaBuffer: 1,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  update(p: SweepProgress): void {
    const { simsPerSecond, etaSeconds } = rates(p);
    const payload = { running: p.chunksRunning, failed: p.chunksFailed, rate: simsPerSecond.toFixed(2), eta_h: formatDuration(etaSeconds) };
    if (!this.started) {
      this.bar.start(p.chunksTotal, p.chunksDone, payload);
      this.started = true;
    } else this.bar.update(p.chunksDone, payload);
  }
  note(message: string): void {
    if (this.started) this.bar.stop();
    process.stderr.write(`${message}\n`);
    this.started = false;
  }
  stop(): void {
    if (this.started) this.bar.stop();
  }
}

class LineReporter implements ProgressReporter {
  private last = 0;
  private lastDone = -1;
  private latest?: SweepProgress;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly everyMs: number,
  ) {}
  update(p: SweepProgress): void {
    this.latest = p;
    const now = Date.now();
    if (p.chunksDone === this.lastDone || (now - this.last < this.everyMs && p.chunksDone !== p.chunksTotal)) return;
    this.print(p);
    this.last = now;
  }
  note(message: string): void {
    this.stream.write(`${message}\n`);
  }
  stop(): void {
    if (this.latest && this.latest.chunksDone !== this.lastDone) this.print(this.latest);
  }
  private print(p: SweepProgress): void {
    const { simsPerSecond, etaSeconds } = rates(p);
    this.lastDone = p.chunksDone;
    this.stream.write(
      `progress: ${p.chunksDone}/${p.chunksTotal} chunks, ${p.samplesDone}/${p.samplesTotal} simulations, ${p.chunksRunning} running, ${p.chunksFailed} failed, ${simsPerSecond.toFixed(2)} sims/s, ETA ${formatDuration(etaSeconds)}\n`,
    );
  }
}
