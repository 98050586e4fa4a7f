import type { RequestRecord } from '../../plugin/index.js';
import type { Db } from './database.js';

export interface DeliveryLogRow {
  id: number;
  integration_id: string;
  at: string;
  http_status: number | null;
  attempt: number;
  events: number;
  delivered: number;
  rejected: number;
  retried: number;
  latency_ms: number;
  request_id: string | null;
  error: string | null;
}

/** One row per request to Amazon, as the plugin's delivery report lists them. */
export class DeliveryLogRepo {
  constructor(private readonly db: Db) {}

  add(integrationId: string, records: RequestRecord[]): DeliveryLogRow[] {
    const insert = this.db.prepare(
      `INSERT INTO delivery_log (integration_id, at, http_status, attempt, events, delivered, rejected, retried, latency_ms, request_id, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const r of records) {
        ids.push(
          Number(
            insert.run(
              integrationId,
              r.at,
              r.status,
              r.attempt,
              r.events,
              r.delivered,
              r.rejected,
              r.retry,
              r.durationMs,
              r.requestId ?? null,
              r.error ?? null,
            ).lastInsertRowid,
          ),
        );
      }
    })();
    return ids.map(
      (id) => this.db.prepare('SELECT * FROM delivery_log WHERE id = ?').get(id) as DeliveryLogRow,
    );
  }

  /** Newest first, before row `before`, optionally only one HTTP status (`0` for no answer). */
  page(integrationId: string, before: number, limit: number, status?: number): DeliveryLogRow[] {
    return this.db
      .prepare(
        `SELECT * FROM delivery_log WHERE integration_id = ? AND id < ?
         AND (? IS NULL OR IFNULL(http_status, 0) = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(integrationId, before, status ?? null, status ?? null, limit) as DeliveryLogRow[];
  }

  /**
   * Sums per time bucket of `bucketMs` from `from` (epoch ms, a bucket boundary): requests, events, delivered,
   * rejected and retried; only buckets with requests. Bucket `k` starts at `from + k × bucketMs`.
   */
  buckets(integrationId: string, from: number, bucketMs: number): DeliveryLogBucket[] {
    return this.db
      .prepare(
        `SELECT CAST((CAST(strftime('%s', at) AS INTEGER) * 1000 - ?) / ? AS INTEGER) AS k,
                COUNT(*) AS requests, SUM(events) AS events, SUM(delivered) AS delivered,
                SUM(rejected) AS rejected, SUM(retried) AS retried
         FROM delivery_log WHERE integration_id = ? AND at >= ? GROUP BY k ORDER BY k`,
      )
      .all(from, bucketMs, integrationId, new Date(from).toISOString()) as DeliveryLogBucket[];
  }
}

export interface DeliveryLogBucket {
  k: number;
  requests: number;
  events: number;
  delivered: number;
  rejected: number;
  retried: number;
}
