import type { Clock } from '../clock.js';

/**
 * Requests in flight for one advertiser: at most `limit` at once, and after a 429 nothing starts before the
 * wait Amazon asked for, while the limit halves (down to 1) and grows back by one per success, so retries
 * do not trigger the next 429.
 */
export class AdvertiserLimiter {
  private active = 0;
  private limit: number;
  private pausedUntil = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrency: number,
    private readonly clock: Clock,
  ) {
    this.limit = maxConcurrency;
  }

  get currentLimit(): number {
    return this.limit;
  }

  async acquire(): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    const pause = this.pausedUntil - this.clock.now();
    if (pause > 0) await this.clock.sleep(pause);
  }

  release(outcome: 'ok' | 'throttled' | 'other', retryAfterMs = 0): void {
    this.active--;
    if (outcome === 'throttled') {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + retryAfterMs);
    } else if (outcome === 'ok' && this.limit < this.maxConcurrency) {
      this.limit++;
    }
    // Every waiter checks the limit again when woken; those that do not fit wait once more.
    for (const wake of this.waiting.splice(0)) wake();
  }
}
