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

/**
 * Event ids that make every request holding one answer a whole-request 400 in the validation form other
 * Amazon Ads APIs use, until reset (`{"poison_event_ids": [...]}` to `POST /__sandbox/faults`).
 */
export interface PoisonRule {
  poison_event_ids: string[];
}

const FAULT_ROUTES: readonly string[] = ['events', 'token', 'profiles', 'advertiserAccounts', 'any'];

/** A fault rule or poison list read from a control request, or what is wrong with it. */
export function readFaultRule(value: unknown): FaultRule | PoisonRule | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'each fault must be an object';
  const v = value as Record<string, unknown>;
  if ('poison_event_ids' in v) {
    const ids = v.poison_event_ids;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      !ids.every((id) => typeof id === 'string' && id.length > 0)
    )
      return 'poison_event_ids must be a list of event ids';
    return { poison_event_ids: ids as string[] };
  }
  if (typeof v.route !== 'string' || !FAULT_ROUTES.includes(v.route))
    return `route must be one of ${FAULT_ROUTES.join(', ')}`;
  const whole = (n: unknown, min: number, max: number) =>
    n === undefined || (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max);
  if (!whole(v.times, 1, 1_000_000)) return 'times must be a whole number from 1';
  if (!whole(v.status, 100, 599)) return 'status must be an HTTP status';
  if (!whole(v.delayMs, 0, 600_000)) return 'delayMs must be from 0 to 600000';
  if (v.retryAfter !== undefined && typeof v.retryAfter !== 'string') return 'retryAfter must be text';
  return value as FaultRule;
}

const CHAOS_PROBABILITIES = [
  'rateLimited',
  'rateLimitedWithoutRetryAfter',
  'serverError',
  'stall',
  'eventError',
];

/** Chaos settings read from a control request (none: no chaos), or what is wrong with them. */
export function readChaos(value: unknown): ChaosSettings | string {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'chaos must be an object';
  for (const [key, v] of Object.entries(value)) {
    if (CHAOS_PROBABILITIES.includes(key)) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return `${key} must be a probability from 0 to 1`;
    } else if (key === 'retryAfterSeconds' || key === 'seed') {
      if (!Number.isInteger(v) || (v as number) < 0) return `${key} must be a whole number from 0`;
    } else return `${key} is not a chaos setting`;
  }
  return value as ChaosSettings;
}

export class FaultQueue {
  private rules: Array<FaultRule & { times: number }> = [];
  /** Event ids whose requests answer a whole-request 400, until reset. */
  readonly poisoned = new Set<string>();

  add(rule: FaultRule | PoisonRule): void {
    if ('poison_event_ids' in rule) for (const id of rule.poison_event_ids) this.poisoned.add(id);
    else this.rules.push({ ...rule, times: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
    this.poisoned.clear();
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
