/**
 * The pace of requests to one advertiser, shared by every process that delivers for it (through Redis) or kept
 * by one process (in memory). Amazon publishes no rate for the Events API ("dynamic and based on system load"):
 * the pace learns it from Amazon's 429s.
 *
 * - Unpaced until the first 429: an advertiser Amazon never throttles is never slowed down.
 * - A 429 pauses every request until its `Retry-After`, and sets the rate (requests a second) to 0.7 of what
 *   Amazon was accepting: the requests answered without a 429 in the last second, or the rate itself once
 *   there is one. At most one cut a second: the 429s of requests already in flight do not cut it again.
 * - Each request answered without a 429 raises the rate by 1 / rate, about one request a second per second.
 * - Requests start no closer together than 1 / rate seconds (a GCRA without burst).
 * - The state is forgotten after ten minutes without a request, and the advertiser is unpaced again.
 *
 * `paceTake` and `paceReport` are the rule; `LocalPace` keeps the states in memory and `RedisPace`
 * (redis-pace.ts) runs the same rule in one Lua script per call. test/request-pace.test.ts holds both to one table.
 */
export const PACE_RULE = {
  /** The rate after a 429, as a share of what Amazon was accepting. */
  cut: 0.7,
  /** No second cut sooner than this after one. */
  cutSpacingMs: 1_000,
  /** Requests a second the rate never goes below or above. */
  minRate: 1,
  maxRate: 1_000,
  /** A state this long unused is dropped. */
  idleMs: 600_000,
} as const;

/** One advertiser's pace. Times are epoch ms; `rate` 0 is unpaced. */
export interface PaceState {
  rate: number;
  /** When the next request may start (theoretical arrival time). */
  tat: number;
  /** No request before this: the last Retry-After. */
  pausedUntil: number;
  /** When the rate was last cut. */
  cutAt: number;
  /** Requests answered without a 429 in the current second (from `windowStart`) and the one before. */
  windowStart: number;
  windowCount: number;
  previousCount: number;
  /** The last take or report. */
  usedAt: number;
}

export const NEW_PACE: Readonly<PaceState> = {
  rate: 0,
  tat: 0,
  pausedUntil: 0,
  cutAt: 0,
  windowStart: 0,
  windowCount: 0,
  previousCount: 0,
  usedAt: 0,
};

/** How a request to the advertiser was answered, for the pace. */
export type PaceOutcome = 'accepted' | 'throttled' | 'other';

/** Takes a slot now (0), or says how many ms to wait before asking again; the state is changed in place. */
export function paceTake(s: PaceState, now: number): number {
  touch(s, now);
  const at = Math.max(s.pausedUntil, s.rate > 0 ? s.tat : 0);
  if (at > now) return Math.ceil(at - now);
  if (s.rate > 0) s.tat = now + 1000 / s.rate;
  return 0;
}

/** Learns from an answer; the state is changed in place. */
export function paceReport(s: PaceState, now: number, outcome: PaceOutcome, retryAfterMs: number): void {
  touch(s, now);
  if (outcome === 'other') return;
  if (now - s.windowStart >= 2000) {
    s.previousCount = 0;
    s.windowCount = 0;
    s.windowStart = now;
  } else if (now - s.windowStart >= 1000) {
    s.previousCount = s.windowCount;
    s.windowCount = 0;
    s.windowStart += 1000;
  }
  if (outcome === 'accepted') {
    s.windowCount++;
    if (s.rate > 0) s.rate = Math.min(PACE_RULE.maxRate, s.rate + 1 / s.rate);
    return;
  }
  s.pausedUntil = Math.max(s.pausedUntil, now + retryAfterMs);
  if (now < s.cutAt + PACE_RULE.cutSpacingMs) return;
  // Accepted in the last second: this second's count and the part of the previous one still inside it.
  const accepted = s.previousCount * (1 - (now - s.windowStart) / 1000) + s.windowCount;
  const base = s.rate > 0 ? s.rate : accepted;
  s.rate = Math.min(PACE_RULE.maxRate, Math.max(PACE_RULE.minRate, base * PACE_RULE.cut));
  s.cutAt = now;
}

/** A state unused for `idleMs` starts again as new; every call marks it used. */
function touch(s: PaceState, now: number): void {
  if (now - s.usedAt > PACE_RULE.idleMs) Object.assign(s, NEW_PACE);
  s.usedAt = now;
}

/**
 * The pace of each advertiser, as every process delivering for it sees it. `take` is asked before each
 * request until it answers 0; `report` is told how Amazon answered.
 */
export interface RequestPace {
  /** 0: go now (the slot is taken); else the ms to wait before asking again. */
  take(advertiser: string): Promise<number>;
  report(advertiser: string, outcome: PaceOutcome, retryAfterMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The pace kept by this process alone (the default, and the fallback when Redis cannot be reached). */
export class LocalPace implements RequestPace {
  private readonly states = new Map<string, PaceState>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(advertiser: string): Promise<number> {
    return paceTake(this.state(advertiser), this.now());
  }

  async report(advertiser: string, outcome: PaceOutcome, retryAfterMs = 0): Promise<void> {
    paceReport(this.state(advertiser), this.now(), outcome, retryAfterMs);
  }

  async close(): Promise<void> {}

  private state(advertiser: string): PaceState {
    let state = this.states.get(advertiser);
    if (!state) {
      // Advertisers unused for `idleMs` are dropped as others are added, so the map does not grow for ever.
      if (this.states.size >= 1_000) {
        const now = this.now();
        for (const [key, s] of this.states) if (now - s.usedAt > PACE_RULE.idleMs) this.states.delete(key);
      }
      state = { ...NEW_PACE };
      this.states.set(advertiser, state);
    }
    return state;
  }
}
