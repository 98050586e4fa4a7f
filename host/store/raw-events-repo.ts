import type { Db } from './database.js';
import { retainedAmazonEvent } from '../pipeline/retained-amazon-event.js';

/**
 * The end of a raw event's retention, in one transaction: its payload (the event as received, personal data
 * and all) becomes the empty text, and the Amazon events of its deliveries keep only what
 * `retainedAmazonEvent` allows (no IP, user agent, advertising or other raw identifiers). Outcomes and the
 * Delivery Log stay. An event is due when none of its deliveries is queued or in flight and the last of them
 * changed no later than the cutoff.
 */
export class RawEventsRepo {
  constructor(private readonly db: Db) {}

  /** Ends the retention of every due event (of `eventIds` only, when given); returns how many. */
  purge(cutoff: string, eventIds?: readonly string[]): number {
    if (eventIds?.length === 0) return 0;
    const only = eventIds ? 'AND e.id IN (SELECT value FROM json_each(?))' : '';
    const due = this.db.prepare(
      `SELECT e.id FROM events e WHERE e.purged = 0 ${only} AND NOT EXISTS (
         SELECT 1 FROM deliveries d WHERE d.event_id = e.id
         AND (d.status IN ('queued', 'in_flight') OR d.updated_at > ?))`,
    );
    return this.db.transaction(() => {
      const ids = (
        due.all(...(eventIds ? [JSON.stringify(eventIds)] : []), cutoff) as Array<{ id: string }>
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      const list = JSON.stringify(ids);
      this.db
        .prepare("UPDATE events SET payload = '', purged = 1 WHERE id IN (SELECT value FROM json_each(?))")
        .run(list);
      const rows = this.db
        .prepare(
          `SELECT d.id, d.amazon_event AS legacy, x.amazon_event AS json
           FROM deliveries d LEFT JOIN delivery_events x ON x.delivery_id = d.id
           WHERE d.event_id IN (SELECT value FROM json_each(?))
           AND (d.amazon_event IS NOT NULL OR x.amazon_event IS NOT NULL)`,
        )
        .all(list) as Array<{ id: number; legacy: string | null; json: string | null }>;
      const keep = this.db.prepare('UPDATE delivery_events SET amazon_event = ? WHERE delivery_id = ?');
      const keepLegacy = this.db.prepare('UPDATE deliveries SET amazon_event = ? WHERE id = ?');
      for (const row of rows) {
        if (row.json !== null) keep.run(retainedAmazonEvent(row.json), row.id);
        if (row.legacy !== null) keepLegacy.run(retainedAmazonEvent(row.legacy), row.id);
      }
      return ids.length;
    })();
  }
}
