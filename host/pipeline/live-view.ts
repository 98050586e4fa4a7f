import { redactValue } from '../../plugin/index.js';
import { NO_INTEGRATION, type DeliveriesRepo, type DeliveryRow } from '../store/deliveries-repo.js';
import type { LiveHub } from './live-hub.js';
import { REDACTED, reasonForView, viewRedactor } from './view-redaction.js';

const RAW_MATCH_KEYS = new Set(['MAID', 'RAMP_ID', 'MATCH_ID', 'REAL_ID', 'MERKLE_ID', 'KANTAR_ID', 'FIP']);

type LiveRow = DeliveryRow & { payload: string; received_at: string };

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

  /** Entries of rows, for reading. */
  entries(rows: readonly LiveRow[]): Array<Record<string, unknown>> {
    const redact = viewRedactor(this.personalDataPaths());
    return rows.map((row) => entry(row, redact));
  }

  /** Delivery rows changed: their entries go to the open streams, built only when a stream is open. */
  changed(rowIds: readonly number[]): void {
    if (!this.hub.watched || rowIds.length === 0) return;
    for (const e of this.entries(this.deliveries.recentByIds([...rowIds]))) this.hub.publish('event', e);
  }
}

function entry(row: LiveRow, redact: (value: unknown) => unknown): Record<string, unknown> {
  return {
    id: row.id,
    event_id: row.event_id,
    integration_id: row.integration_id === NO_INTEGRATION ? null : row.integration_id,
    received_at: row.received_at,
    updated_at: row.updated_at,
    // An empty payload was deleted after the retention period (SIGNAL_RAW_RETENTION).
    input: row.payload === '' ? null : redact(JSON.parse(row.payload)),
    amazon_payload: payloadForView(row.amazon_event),
    outcome: {
      status: row.status,
      attempts: row.attempts,
      ...(row.outcome_code ? { code: row.outcome_code, reason: reasonForView(row.outcome_message) } : {}),
    },
  };
}
