/** Routes a fault can target. */
export type FaultRoute = 'events' | 'token' | 'profiles' | 'advertiserAccounts' | 'any';

/**
 * A scripted fault: the next `times` requests to `route` answer `status` (with `Retry-After` when given),
 * or stall (never answer) when `stall` is set. `delayMs` delays the answer instead of replacing it.
 */
export interface FaultRule {
  route: FaultRoute;
  times?: number;
  status?: number;
  retryAfter?: string;
  body?: unknown;
  stall?: boolean;
  delayMs?: number;
}

/** Random faults for soak runs; each a probability per request (or per event for `eventError`). */
export interface ChaosSettings {
  rateLimited?: number;
  rateLimitedWithoutRetryAfter?: number;
  serverError?: number;
  stall?: number;
  eventError?: number;
  retryAfterSeconds?: number;
  seed?: number;
}

export class FaultQueue {
  private rules: Array<FaultRule & { times: number }> = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, times: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, if any, used up once. */
  take(route: Exclude<FaultRoute, 'any'>): FaultRule | undefined {
    const i = this.rules.findIndex((r) => r.route === route || r.route === 'any');
    if (i < 0) return undefined;
    const rule = this.rules[i]!;
    rule.times--;
    if (rule.times <= 0) this.rules.splice(i, 1);
    return rule;
  }

  get pending(): number {
    return this.rules.reduce((n, r) => n + r.times, 0);
  }
}

/** A small deterministic PRNG (mulberry32) so chaos runs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
