/**
 * Signal's delivery policy: up to `maxAttempts` attempts over about a day, then the dead letter queue.
 * The wait after attempt n is `baseMs × 6^(n−1)`: with the default 5 minutes, 5 min, 30 min, 3 h and 18 h
 * (21 h 35 min in all), or longer when Amazon asked for a longer Retry-After.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseMs: 5 * 60_000 };

export function nextAttemptDelay(policy: RetryPolicy, attempts: number, retryAfterMs = 0): number {
  return Math.max(retryAfterMs, policy.baseMs * 6 ** Math.max(0, attempts - 1));
}
