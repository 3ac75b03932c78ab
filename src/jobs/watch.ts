/**
 * The watcher's clock: poll quickly while things change, back off geometrically while nothing does
 * (so 1000 queued SLURM jobs cost one squeue every `max` ms, not a storm), and wake early on abort.
 */
export class Backoff {
  private current: number;
  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly factor = 1.5,
  ) {
    this.current = initialMs;
  }
  /** Something changed: poll fast again. */
  reset(): void {
    this.current = this.initialMs;
  }
  get nextMs(): number {
    return this.current;
  }
  async wait(signal?: AbortSignal): Promise<void> {
    const ms = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    await sleep(ms, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
