/**
 * How hard one `deliver` call tries before it hands events back to the host's queue. Host settings; the
 * defaults suit a delivery worker, tests and soak runs shorten them.
 */
export interface DeliverySettings {
  /** Requests per batch within one deliver call, the first included. */
  maxAttempts: number;
  /** Time one deliver call may spend retrying before it hands events back as `retry`. */
  budgetMs: number;
  /** First backoff; doubles each attempt, with full jitter. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Retry-After values above this are capped (a hostile or broken header must not park a worker). */
  maxRetryAfterMs: number;
  /** Requests in flight at once per advertiser. */
  concurrency: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  maxAttempts: 4,
  budgetMs: 30_000,
  baseBackoffMs: 500,
  maxBackoffMs: 10_000,
  maxRetryAfterMs: 60_000,
  concurrency: 4,
};
