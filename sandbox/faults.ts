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

/** Random faults for soak runs, drawn from a seeded generator so a run repeats. */
export class Chaos {
  settings: ChaosSettings = {};
  private random = seededRandom(1);

  set(settings: ChaosSettings): void {
    this.settings = settings;
    this.random = seededRandom(settings.seed ?? 1);
  }

  /** A fault for this request of `route`, drawn by the settings (events only). */
  fault(route: Exclude<FaultRoute, 'any'>): FaultRule | undefined {
    if (route !== 'events') return undefined;
    const c = this.settings;
    const table: Array<[number | undefined, () => FaultRule]> = [
      [c.rateLimited, () => ({ route, status: 429, retryAfter: String(c.retryAfterSeconds ?? 1) })],
      [c.rateLimitedWithoutRetryAfter, () => ({ route, status: 429 })],
      [c.serverError, () => ({ route, status: this.random() < 0.5 ? 500 : 503 })],
      [c.stall, () => ({ route, stall: true })],
    ];
    const r = this.random();
    let edge = 0;
    for (const [p, fault] of table) {
      edge += p ?? 0;
      if (r < edge) return fault();
    }
    return undefined;
  }

  /** Whether an otherwise valid event gets an injected per-event error. */
  eventError(): boolean {
    return Boolean(this.settings.eventError) && this.random() < this.settings.eventError!;
  }
}

/** The body of a scripted fault that gives none: Amazon's `{code, message}` for the status. */
export function defaultFaultBody(status: number): unknown {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    413: 'CONTENT_TOO_LARGE',
    429: 'TOO_MANY_REQUESTS',
  };
  return { code: codes[status] ?? 'INTERNAL_ERROR', message: `Injected HTTP ${status}` };
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
