/** At most `capacity` holders at a time; the rest wait in order. Used to cap SSH channels per connection. */
export class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }

  async with<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
