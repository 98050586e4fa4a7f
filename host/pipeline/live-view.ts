import { redactValue } from '../../plugin/index.js';
import { NO_INTEGRATION, type DeliveryRow } from '../store/deliveries-repo.js';

const RAW_MATCH_KEYS = new Set(['MAID', 'RAMP_ID', 'MATCH_ID', 'REAL_ID', 'MERKLE_ID', 'KANTAR_ID', 'FIP']);

/** The Amazon payload as the live view shows it: hashed values as they are, raw identifiers masked. */
export function payloadForView(amazonEvent: string | null): unknown {
  if (!amazonEvent) return null;
  const event = JSON.parse(amazonEvent) as { matchKeys?: Array<{ type: string; values: string[] }> };
  const matchKeys = event.matchKeys?.map((k) =>
    RAW_MATCH_KEYS.has(k.type) ? { ...k, values: ['[REDACTED]'] } : k,
  );
  return redactValue({ ...event, ...(matchKeys ? { matchKeys } : {}) });
}

/** One Live Events entry: every stage of one event for one integration, personal data redacted. */
export function liveEntry(
  row: DeliveryRow & { payload: string; received_at: string },
): Record<string, unknown> {
  return {
    id: row.id,
    event_id: row.event_id,
    integration_id: row.integration_id === NO_INTEGRATION ? null : row.integration_id,
    received_at: row.received_at,
    updated_at: row.updated_at,
    // An empty payload was deleted after the retention period (SIGNAL_RAW_RETENTION).
    input: row.payload === '' ? null : redactValue(JSON.parse(row.payload)),
    amazon_payload: payloadForView(row.amazon_event),
    outcome: {
      status: row.status,
      attempts: row.attempts,
      ...(row.outcome_code ? { code: row.outcome_code, reason: row.outcome_message } : {}),
    },
  };
}
