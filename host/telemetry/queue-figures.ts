import type { Db } from '../store/database.js';

/**
 * How late the queue runs: the age, in seconds, of the oldest delivery that is due (queued, its time come) and
 * not yet sent; 0 when none is due. A row never tried counts from when it was queued (or put back), a retry from
 * when it fell due. Read at each scrape from the store, so every worker process is in it.
 */
export function oldestDueAgeSeconds(db: Db, now: number): number {
  const row = db
    .prepare(
      `SELECT MIN(CASE WHEN next_attempt_at > 0 THEN next_attempt_at
                       ELSE CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) END) AS due
         FROM deliveries WHERE status = 'queued' AND next_attempt_at <= ?`,
    )
    .get(now) as { due: number | null };
  return row.due === null ? 0 : Math.max(0, (now - row.due) / 1000);
}
