/**
 * The sandbox's Amazon Ad Tag and the attribution ledger both sources feed: what Amazon counts as
 * conversions when an advertiser sends them from the browser (Ad Tag) and the server (Events API).
 *
 * The rule, from Amazon's own documents:
 * - "The `eventId` parameter identifies the same conversion sent from multiple sources. For example, an event
 *   sent via both Events API and Amazon Ad Tag. When Amazon detects two conversions sharing the same `eventId`,
 *   the first (by timestamp) is retained. Ties are broken by source priority: 1. Events API 2. Amazon Ad Tag"
 *   (amzn/ads-advanced-tools-docs, events_api_google_tag_manager, using-the-template.md, Deduplication).
 * - Amazon's Events API tag: "If you run both the Amazon Ad Tag (client-side) and the Events API (server-side),
 *   deduplication prevents double-counting. Set the Event ID field to a stable identifier (e.g., transaction ID
 *   or order ID) shared between both tags." (amzn/ads-events-api-gtm-tag, README.md).
 * - Segment's Amazon Conversions API documentation says the deduplication works across all event types, and
 *   the OpenAPI says of `eventId`: "For events with the same eventId only the latest event will be kept".
 *   Which record is kept differs between the two; how many conversions there are does not: one per
 *   (account, eventId), whatever the event type or source. The ledger keeps the first by timestamp.
 *
 * A conversion without an eventId is its own. The 200 ms rule for the same user's identical events (same
 * document) needs the user, which an Ad Tag call here does not carry: not modelled. A conversion counts as
 * carrying a click token when any of its records did (inferred: Amazon documents no more).
 */

export type ConversionSource = 'events_api' | 'ad_tag';

export interface ConversionRecord {
  source: ConversionSource;
  accountId: string;
  eventId?: string;
  name: string;
  /** Epoch ms of the conversion (the event's time), the order dedupe keeps. */
  time: number;
  clickToken: boolean;
}

interface Kept {
  source: ConversionSource;
  time: number;
  clickToken: boolean;
}

/** Ad Tag calls the sandbox takes: longer ids or names than the API's are refused. */
const MAX_ID = 256;
const MAX_ACCOUNT = 100;

export const zeroAttribution = () => ({
  conversions: 0,
  duplicates_removed: 0,
  by_source: { events_api: 0, ad_tag: 0 },
  with_click_token: 0,
});

/** Conversions after deduplication, by the rule above. */
export class AttributionLedger {
  private readonly byId = new Map<string, Kept>();
  /** Conversions without an eventId: each its own. */
  private readonly unpaired = { events_api: 0, ad_tag: 0, clickToken: 0 };
  private duplicates = 0;

  record(r: ConversionRecord): void {
    if (r.eventId === undefined) {
      this.unpaired[r.source]++;
      if (r.clickToken) this.unpaired.clickToken++;
      return;
    }
    const key = `${r.accountId}\u0000${r.eventId}`;
    const kept = this.byId.get(key);
    if (!kept) {
      this.byId.set(key, { source: r.source, time: r.time, clickToken: r.clickToken });
      return;
    }
    this.duplicates++;
    const wins = r.time < kept.time || (r.time === kept.time && r.source === 'events_api');
    this.byId.set(key, {
      source: wins ? r.source : kept.source,
      time: wins ? r.time : kept.time,
      clickToken: kept.clickToken || r.clickToken,
    });
  }

  state(): ReturnType<typeof zeroAttribution> {
    const out = zeroAttribution();
    for (const kept of this.byId.values()) {
      out.by_source[kept.source]++;
      if (kept.clickToken) out.with_click_token++;
    }
    out.by_source.events_api += this.unpaired.events_api;
    out.by_source.ad_tag += this.unpaired.ad_tag;
    out.with_click_token += this.unpaired.clickToken;
    out.conversions = out.by_source.events_api + out.by_source.ad_tag;
    out.duplicates_removed = this.duplicates;
    return out;
  }

  reset(): void {
    this.byId.clear();
    Object.assign(this.unpaired, { events_api: 0, ad_tag: 0, clickToken: 0 });
    this.duplicates = 0;
  }
}

/**
 * The body of `POST /__sandbox/adtag`, a conversion the Ad Tag recorded in the browser:
 * `{"account_id", "name", "eventId"?, "timestamp"}` (ISO 8601 or epoch ms). The record, or the problems.
 */
export function adTagConversion(body: unknown): { record?: ConversionRecord; errors: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { errors: ['the body must be a JSON object'] };
  const b = body as Record<string, unknown>;
  const errors: string[] = [];
  const text = (field: string, max: number): string | undefined => {
    const v = b[field];
    if (typeof v === 'string' && v.length >= 1 && v.length <= max) return v;
    errors.push(`${field}: must be text of 1 to ${max} characters`);
    return undefined;
  };
  const accountId = text('account_id', MAX_ACCOUNT);
  const name = text('name', MAX_ID);
  const eventId = b.eventId === undefined ? undefined : text('eventId', MAX_ID);
  const time =
    typeof b.timestamp === 'number'
      ? b.timestamp
      : typeof b.timestamp === 'string'
        ? Date.parse(b.timestamp)
        : NaN;
  if (!Number.isFinite(time)) errors.push('timestamp: must be an ISO 8601 date-time or epoch milliseconds');
  if (errors.length > 0) return { errors };
  return {
    record: { source: 'ad_tag', accountId: accountId!, eventId, name: name!, time, clickToken: false },
    errors,
  };
}

/** The ledger record of an event the Events API accepted. */
export function eventsApiConversion(
  accountId: string,
  event: Record<string, unknown>,
  now: number,
): ConversionRecord {
  const time = typeof event.eventTime === 'string' ? Date.parse(event.eventTime) : NaN;
  const name = (event.eventDescription as { name?: unknown } | undefined)?.name;
  return {
    source: 'events_api',
    accountId,
    eventId: typeof event.eventId === 'string' ? event.eventId : undefined,
    name: typeof name === 'string' ? name : '',
    time: Number.isFinite(time) ? time : now,
    clickToken: typeof event.arefMeasurementTokens === 'string' && event.arefMeasurementTokens !== '',
  };
}
