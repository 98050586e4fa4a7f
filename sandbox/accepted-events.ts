import { randomUUID } from 'node:crypto';
import { AttributionLedger, eventsApiConversion } from './ad-tag.js';

export interface AcceptedEvent {
  accountId: string;
  eventId?: string;
  event?: Record<string, unknown>;
  receivedAt: number;
}

/** The attribution ledger's counts since the start or the last reset. */
export interface Ledger {
  attributable: number;
  notAttributable: number;
  userDataDenied: number;
  limitedDataUse: number;
}

const zeroLedger = (): Ledger => ({
  attributable: 0,
  notAttributable: 0,
  userDataDenied: 0,
  limitedDataUse: 0,
});

/** The events Amazon accepted, deduplicated by `accountId:eventId`, and what the advertiser gets of them. */
export class AcceptedEvents {
  /** Accepted events by `accountId:eventId` (events without an id get a generated key). */
  readonly byKey = new Map<string, AcceptedEvent>();
  /** How many times each `accountId:eventId` was accepted; above 1 is a duplicate delivery. */
  readonly counts = new Map<string, number>();
  /**
   * What the advertiser gets of the accepted events (duplicates included): an event is attributable unless
   * its consent denies the use of user data (`amznUserData: DENIED`) or it asks for limited data use, either of
   * which keeps Amazon from using it for matching and measurement (events-api.md §3, SPEC CreateConsent,
   * `dataProcessingOptions`: such events "will not be processed").
   */
  readonly ledger = zeroLedger();
  /** Conversions from these events and the Ad Tag's, after Amazon's deduplication by eventId (./ad-tag.ts). */
  readonly attribution = new AttributionLedger();

  constructor(
    private readonly dedupe: 'latest' | 'first',
    private readonly recordMode: 'full' | 'ids',
  ) {}

  store(accountId: string, event: Record<string, unknown>, now: number): void {
    this.account(event);
    this.attribution.record(eventsApiConversion(accountId, event, now));
    const eventId = typeof event.eventId === 'string' ? event.eventId : undefined;
    const key = `${accountId}:${eventId ?? randomUUID()}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.dedupe === 'first' && this.byKey.has(key)) return;
    this.byKey.set(key, {
      accountId,
      eventId,
      receivedAt: now,
      ...(this.recordMode === 'full' ? { event } : {}),
    });
  }

  /** Accepted deliveries beyond the first for the same event id. */
  get duplicates(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c - 1;
    return n;
  }

  clear(): void {
    this.byKey.clear();
    this.counts.clear();
    // Reset in place: callers may hold the ledger.
    Object.assign(this.ledger, zeroLedger());
    this.attribution.reset();
  }

  /** Counts the event in the ledger: attributable, or not and why. */
  private account(event: Record<string, unknown>): void {
    const consent = event.consent as { amazonConsent?: { amznUserData?: string } } | undefined;
    const denied = consent?.amazonConsent?.amznUserData === 'DENIED';
    const limited =
      (event.dataProcessingOptions as { options?: string } | undefined)?.options === 'LIMITED_DATA_USE';
    if (denied) this.ledger.userDataDenied++;
    if (limited) this.ledger.limitedDataUse++;
    if (denied || limited) this.ledger.notAttributable++;
    else this.ledger.attributable++;
  }
}
