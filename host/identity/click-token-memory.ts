import { sha256Hex } from '../../plugin/transform/normalize/match-keys.js';
import { carriedToken, clickTokenOf, visitorOf, wellFormedToken } from './click-token.js';
import type { ClickTokenStore } from './click-token-store.js';

/** Default `SIGNAL_CLICK_TOKEN_TTL`: Amazon click tokens are remembered for 14 days. */
export const DEFAULT_CLICK_TOKEN_TTL_MS = 14 * 24 * 3_600_000;

type Event = Record<string, unknown>;

/**
 * Signal's identity hub for Amazon click tokens: when an event's page URL (or referrer) carries a well-formed
 * `aref`, the token is remembered for the event's `anonymousId`; that visitor's events, this one and later
 * ones, get it as `context.vendor_ids.amazon_aref`, never over a well-formed token the event carries. The newest token
 * wins, and each lasts `ttlMs` from when it was seen (0: the memory is off). The plugin's transform stays pure:
 * it only reads the field.
 */
export class ClickTokenMemory {
  constructor(
    private readonly store: ClickTokenStore,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The events in order, each with the visitor's newest token added where it has none of its own. */
  async enrich(events: readonly Event[]): Promise<Event[]> {
    if (this.ttlMs <= 0) return [...events];
    const now = this.now();
    const keys = events.map((event) => {
      const visitor = visitorOf(event);
      return visitor === undefined ? undefined : visitorKey(visitor);
    });
    const known = await this.store.recall([...new Set(keys.filter((k) => k !== undefined))], now);
    const seen = new Map<string, string>();
    const enriched = events.map((event, i) => {
      const key = keys[i];
      if (key === undefined) return event;
      const token = clickTokenOf(event);
      if (token) {
        seen.set(key, token);
        known.set(key, token);
      }
      const remembered = known.get(key);
      return remembered === undefined ? event : withToken(event, remembered);
    });
    await this.store.remember(seen, now, this.ttlMs);
    return enriched;
  }

  /** The retention sweep: tokens past their time are deleted; how many. */
  purgeExpired(): number {
    return this.store.purgeExpired(this.now());
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** The key a visitor's token is kept under: a hash, so the store never holds the visitor id itself. */
export function visitorKey(anonymousId: string): string {
  return sha256Hex(`amazon-click-token:${anonymousId}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The event with `context.vendor_ids.amazon_aref` set, unless it carries a well-formed token of its own or its
 * context is not an object. A carried value that is no token (`garbage`, 13 pairs) is taken as absent: the
 * blueprint would refuse it, and the conversion would lose the visitor's click.
 */
function withToken(event: Event, token: string): Event {
  if (wellFormedToken(carriedToken(event)) !== undefined) return event;
  const context = event.context ?? {};
  if (!isObject(context)) return event;
  const vendorIds = context.vendor_ids ?? {};
  if (!isObject(vendorIds)) return event;
  return { ...event, context: { ...context, vendor_ids: { ...vendorIds, amazon_aref: token } } };
}
