/**
 * Amazon-like throttling for the sandbox: a token bucket per advertiser account, `perSecond` requests a second
 * with a burst of `perSecond`. Amazon publishes no rate for the Events API ("dynamic and based on system load",
 * events-api.md §4); what it does publish is the answer: 429 `TOO_MANY_REQUESTS` with `Retry-After` in seconds.
 */
export class AccountRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Requests let through and refused, per advertiser account, since the start or the last reset. */
  readonly counts = new Map<string, { allowed: number; throttled: number }>();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Takes one request of the account's budget: undefined when it may go on, else the seconds to wait. */
  take(accountId: string): number | undefined {
    const now = this.now();
    const bucket = this.buckets.get(accountId) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(accountId, bucket);
    const count = this.counts.get(accountId) ?? { allowed: 0, throttled: 0 };
    this.counts.set(accountId, count);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      count.allowed++;
      return undefined;
    }
    count.throttled++;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  reset(): void {
    this.buckets.clear();
    this.counts.clear();
  }

  /** The counts as JSON for /__sandbox/state. */
  state(): Record<string, { allowed: number; throttled: number }> {
    return Object.fromEntries(this.counts);
  }
}
