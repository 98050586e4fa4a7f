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
 * Groups events into requests of at most `maxEvents` events and `maxBytes` of body, in order, one event at a
 * time: `add` answers a full batch as soon as the next event would not fit, so sending can start while the
 * rest is still being serialised. An event larger than `maxBytes` on its own travels alone (Amazon's 413
 * then decides).
 */
export class Batcher {
  private current: PreparedEvent[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(
    private readonly maxEvents: number = LIMITS.eventsPerRequest,
    private readonly maxBytes: number = LIMITS.requestBodyBytes,
  ) {}

  /** Adds an event; returns the batch it closed, if adding it closed one. */
  add(event: PreparedEvent): PreparedEvent[] | undefined {
    let closed: PreparedEvent[] | undefined;
    const added = event.bytes + (this.current.length > 0 ? 1 : 0);
    if (
      this.current.length > 0 &&
      (this.current.length >= this.maxEvents || this.bytes + added > this.maxBytes)
    ) {
      closed = this.flush();
    }
    this.bytes += event.bytes + (this.current.length > 0 ? 1 : 0);
    this.current.push(event);
    return closed;
  }

  /** The batch being filled, if any, closed now. */
  flush(): PreparedEvent[] | undefined {
    if (this.current.length === 0) return undefined;
    const batch = this.current;
    this.current = [];
    this.bytes = ENVELOPE_BYTES;
    return batch;
  }
}

/** All batches of a list of events at once (see `Batcher`). */
export function makeBatches(
  events: readonly PreparedEvent[],
  maxEvents: number = LIMITS.eventsPerRequest,
  maxBytes: number = LIMITS.requestBodyBytes,
): PreparedEvent[][] {
  const batcher = new Batcher(maxEvents, maxBytes);
  const batches: PreparedEvent[][] = [];
  for (const event of events) {
    const closed = batcher.add(event);
    if (closed) batches.push(closed);
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  return batches;
}
