import { LIMITS } from '../constants.js';

/** One event ready to send: its position in the caller's list and its JSON, serialised once. */
export interface PreparedEvent {
  index: number;
  id: string;
  json: string;
  bytes: number;
  eventId?: string;
}

const ENVELOPE_BYTES = Buffer.byteLength('{"events":[]}');

/** The request body for a batch, built from the pre-serialised events. */
export function batchBody(batch: readonly PreparedEvent[]): string {
  return `{"events":[${batch.map((e) => e.json).join(',')}]}`;
}

/**
 * Splits events into requests of at most `maxEvents` events and `maxBytes` of body, in order. An event
 * larger than `maxBytes` on its own travels alone (Amazon's 413 then decides).
 */
export function makeBatches(
  events: readonly PreparedEvent[],
  maxEvents: number = LIMITS.eventsPerRequest,
  maxBytes: number = LIMITS.requestBodyBytes,
): PreparedEvent[][] {
  const batches: PreparedEvent[][] = [];
  let current: PreparedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    const added = event.bytes + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && (current.length >= maxEvents || bytes + added > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += event.bytes + (current.length > 0 ? 1 : 0);
    current.push(event);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
