import { redactValue } from '../../plugin/index.js';
import { NO_INTEGRATION, type DeliveriesRepo, type LiveRow } from '../store/deliveries-repo.js';
import type { LiveHub } from './live-hub.js';
import { REDACTED, reasonForView, viewRedactor } from './view-redaction.js';

const RAW_MATCH_KEYS = new Set(['MAID', 'RAMP_ID', 'MATCH_ID', 'REAL_ID', 'MERKLE_ID', 'KANTAR_ID', 'FIP']);

/**
 * The largest input (or Amazon payload) Live Events shows, in bytes: a larger one is not read or parsed, and its
 * entry says so with its size. A 512 KB input of 37,000 keys took 60-90 ms to parse and redact; 500 of them held
 * the whole host (both ports) for 20 s.
 */
export const MAX_SHOWN_BYTES = 64 * 1024;

/** The bytes of inputs and Amazon payloads one read parses at most (besides its first row): a page ends there. */
export const PAGE_BYTES = 1024 * 1024;

/** The Amazon payload as the live view shows it: hashed values as they are, raw identifiers masked. */
export function payloadForView(amazonEvent: string | null): unknown {
  if (!amazonEvent) return null;
  const event = JSON.parse(amazonEvent) as { matchKeys?: Array<{ type: string; values: string[] }> };
  const matchKeys = event.matchKeys?.map((k) =>
    RAW_MATCH_KEYS.has(k.type) ? { ...k, values: [REDACTED] } : k,
  );
  return redactValue({ ...event, ...(matchKeys ? { matchKeys } : {}) });
}

/**
 * Live Events: every stage of one event for one integration, personal data hidden (`redactForView`). Entries
 * are built only when they are read, or pushed to a stream someone is watching: nothing is done per event for
 * a view nobody looks at.
 */
export class LiveEvents {
  constructor(
    private readonly hub: LiveHub,
    private readonly deliveries: DeliveriesRepo,
    /** Where the installed integrations' blueprints read personal data: hidden even where the allowlist shows. */
    private readonly personalDataPaths: () => readonly string[],
  ) {}

  /** The rows Live Events reads, newest first before `before`: payloads over `MAX_SHOWN_BYTES` are not read. */
  recent(before: number, limit: number, integrationId?: string): LiveRow[] {
    return this.deliveries.recent(before, limit, MAX_SHOWN_BYTES, integrationId);
  }

  /**
   * Entries of the first rows, for reading, as many as `PAGE_BYTES` of inputs and Amazon payloads allow (always
   * one): the work of one read is bounded whatever `limit` asks, and the page's cursor goes on from the last.
   */
  entries(rows: readonly LiveRow[]): Array<Record<string, unknown>> {
    const redact = viewRedactor(this.personalDataPaths());
    const out: Array<Record<string, unknown>> = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += parsedBytes(row);
      if (out.length > 0 && bytes > PAGE_BYTES) break;
      out.push(entry(row, redact));
    }
    return out;
  }

  /**
   * Delivery rows changed: their entries go to the open streams, built only when a stream is open. One page's
   * worth goes at once (a failure there is the caller's); the rest follow a page per turn of the event loop, so
   * requests are answered in between, and in order after any still waiting.
   */
  changed(rowIds: readonly number[]): void {
    if (!this.hub.watched || rowIds.length === 0) return;
    const rows = this.deliveries.recentByIds([...rowIds], MAX_SHOWN_BYTES);
    if (this.waiting.length > 0) return void this.waiting.push(...rows);
    const shown = this.publish(rows);
    if (shown < rows.length) {
      this.waiting = rows.slice(shown);
      setImmediate(() => this.drain());
    }
  }

  /** Rows whose entries wait for a turn of the event loop to go to the streams. */
  private waiting: LiveRow[] = [];

  private drain(): void {
    try {
      this.waiting = this.waiting.slice(this.publish(this.waiting));
    } catch {
      // A push that fails drops what waits: GET /v1/admin/live-events still has it.
      this.waiting = [];
    }
    if (this.waiting.length > 0) setImmediate(() => this.drain());
  }

  /** Publishes the entries of a page's worth of `rows`; how many. */
  private publish(rows: readonly LiveRow[]): number {
    const entries = this.entries(rows);
    for (const e of entries) this.hub.publish('event', e);
    return entries.length;
  }
}

/** The bytes an entry parses: its input and Amazon payload when they are shown. */
const parsedBytes = (row: LiveRow) =>
  (row.payload === null ? 0 : row.payload_bytes) + (row.amazon_event === null ? 0 : row.amazon_event_bytes);

/** What stands for an input or Amazon payload too large to show. */
const tooLarge = (bytes: number) => ({ bytes, limit: MAX_SHOWN_BYTES });

function entry(row: LiveRow, redact: (value: unknown) => unknown): Record<string, unknown> {
  return {
    id: row.id,
    event_id: row.event_id,
    integration_id: row.integration_id === NO_INTEGRATION ? null : row.integration_id,
    received_at: row.received_at,
    updated_at: row.updated_at,
    // An empty payload was deleted after the retention period (SIGNAL_RAW_RETENTION); a null one is too large.
    input: row.payload === '' || row.payload === null ? null : redact(JSON.parse(row.payload)),
    ...(row.payload === null ? { input_too_large: tooLarge(row.payload_bytes) } : {}),
    amazon_payload: payloadForView(row.amazon_event),
    ...(row.amazon_event === null && row.amazon_event_bytes > 0
      ? { amazon_payload_too_large: tooLarge(row.amazon_event_bytes) }
      : {}),
    outcome: {
      status: row.status,
      attempts: row.attempts,
      ...(row.outcome_code ? { code: row.outcome_code, reason: reasonForView(row.outcome_message) } : {}),
    },
  };
}
