/**
 * Requests in flight for one advertiser in this process: at most `limit` at once; the limit halves (down to 1)
 * after a 429 and grows back by one per success. The pause a 429 asks for, and the rate, are the advertiser's
 * `RequestPace` (shared between processes when Redis is set).
 */
export class AdvertiserLimiter {
  private active = 0;
  private limit: number;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxConcurrency: number) {
    this.limit = maxConcurrency;
  }

  get currentLimit(): number {
    return this.limit;
  }

  async acquire(): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  release(outcome: 'ok' | 'throttled' | 'other'): void {
    this.active--;
    if (outcome === 'throttled') {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
    } else if (outcome === 'ok' && this.limit < this.maxConcurrency) {
      this.limit++;
    }
    // Every waiter checks the limit again when woken; those that do not fit wait once more.
    for (const wake of this.waiting.splice(0)) wake();
  }
}
