import type Database from 'better-sqlite3';
import { QualityTally } from '../../plugin/quality/quality-tally.js';
import type { Db } from './database.js';
import type { MatchQualityRepo } from './match-quality-repo.js';

/** Match quality counters by integration id, stored with what they count. */
export type Tallies = ReadonlyMap<string, QualityTally>;

export type DeliveryStatus =
  'queued' | 'in_flight' | 'delivered' | 'rejected' | 'filtered' | 'invalid' | 'dead';

/** The integration id of the record of an event accepted while no integration was installed. */
export const NO_INTEGRATION = '';

export interface DeliveryRow {
  id: number;
  event_id: string;
  integration_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  amazon_event: string | null;
  event_id_amazon: string | null;
  /** The Amazon event name (null: not transformed, or stored before names were kept). */
  event_name: string | null;
  outcome_code: string | null;
  outcome_message: string | null;
  created_at: string;
  updated_at: string;
}

/** What a delivery worker reads of a row it claims (a claim returns only these: each column costs per row). */
export type ClaimedRow = Pick<
  DeliveryRow,
  'id' | 'event_id' | 'integration_id' | 'attempts' | 'amazon_event' | 'event_id_amazon' | 'event_name'
>;

export interface NewDelivery {
  eventId: string;
  integrationId: string;
  status: DeliveryStatus;
  amazonEvent?: string;
  amazonEventId?: string;
  eventName?: string;
  code?: string;
  message?: string;
}

export interface Settlement {
  id: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  code?: string;
  message?: string;
}

/** One group of an integration's deliveries for the funnel. */
export interface FunnelRow {
  status: DeliveryStatus;
  /** 1 when it was sent at least once. */
  tried: number;
  code: string | null;
  n: number;
  message: string | null;
  sample: string;
}

/** The counters a replayed dead letter takes back: one `dead` and its reason. */
function deadLetterUndone(eventName: string | null, code: string | null): QualityTally {
  const tally = new QualityTally();
  tally.add(eventName ?? '', 'dead', -1);
  if (code) tally.add(eventName ?? '', `dead:${code}`, -1);
  return tally;
}

/**
 * A delivery row with its event, as Live Events reads it. A payload (or Amazon event) over the size Live Events
 * shows is not read from the database at all: it is null, with its size in bytes beside it.
 */
export type LiveRow = DeliveryRow & {
  payload: string | null;
  payload_bytes: number;
  amazon_event: string | null;
  amazon_event_bytes: number;
  received_at: string;
};

const LIVE_COLUMNS = `d.*,
  CASE WHEN octet_length(COALESCE(x.amazon_event, d.amazon_event)) > @max THEN NULL
    ELSE COALESCE(x.amazon_event, d.amazon_event) END AS amazon_event,
  COALESCE(octet_length(COALESCE(x.amazon_event, d.amazon_event)), 0) AS amazon_event_bytes,
  CASE WHEN octet_length(e.payload) > @max THEN NULL ELSE e.payload END AS payload,
  octet_length(e.payload) AS payload_bytes, e.received_at`;

/**
 * Rows one INSERT of `accept` stores: a statement per row cost a fifth more (13.2 against 11.3 us an event
 * alone, 500 purchases a request). A delivery has 9 values; SQLite takes up to 32,766 in a statement.
 */
const ROWS_PER_INSERT = 50;
const EVENT_COLUMNS = ['id', 'received_at', 'payload'];
const DELIVERY_COLUMNS = [
  'event_id',
  'integration_id',
  'status',
  'event_id_amazon',
  'event_name',
  'outcome_code',
  'outcome_message',
  'created_at',
  'updated_at',
];
const AMAZON_EVENT_COLUMNS = ['delivery_id', 'amazon_event'];

/** `items` in runs of at most `size`, in order. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** Accepted events and one delivery row per (event, integration): the durable queue, its outcomes, dead letters. */
export class DeliveriesRepo {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    private readonly quality: MatchQualityRepo,
  ) {}

  /** A statement prepared once and kept (the queue's statements run for every request and batch). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Stores events, their deliveries and the match quality counters they add in one transaction: after it
   * returns, nothing accepted can be lost.
   */
  accept(
    events: Array<{ id: string; payload: string; deliveries: NewDelivery[] }>,
    now: string,
    tallies?: Tallies,
  ): number[] {
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const rows of chunks(events, ROWS_PER_INSERT))
        this.insertRows('events', EVENT_COLUMNS, rows.length).run(
          rows.flatMap((e) => [e.id, now, e.payload]),
        );
      for (const rows of chunks(
        events.flatMap((e) => e.deliveries),
        ROWS_PER_INSERT,
      )) {
        const values = rows.flatMap((d) => [
          d.eventId,
          d.integrationId,
          d.status,
          d.amazonEventId ?? null,
          d.eventName ?? null,
          d.code ?? null,
          d.message ?? null,
          now,
          now,
        ]);
        // AUTOINCREMENT numbers one statement's rows in the order given: its ids, ascending, are theirs in turn.
        const rowIds = (
          this.insertRows('deliveries', DELIVERY_COLUMNS, rows.length, ' RETURNING id')
            .pluck()
            .all(values) as number[]
        ).sort((a, b) => a - b);
        const amazonEvents = rows.flatMap((d, i) =>
          d.amazonEvent === undefined ? [] : [rowIds[i], d.amazonEvent],
        );
        if (amazonEvents.length > 0)
          this.insertRows('delivery_events', AMAZON_EVENT_COLUMNS, amazonEvents.length / 2).run(amazonEvents);
        ids.push(...rowIds);
      }
      if (tallies) this.quality.add(tallies, now);
    })();
    return ids;
  }

  /** `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows, prepared once for each count. */
  private insertRows(
    table: string,
    columns: readonly string[],
    rows: number,
    suffix = '',
  ): Database.Statement {
    const row = `(${columns.map(() => '?').join(', ')})`;
    return this.statement(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array<string>(rows).fill(row).join(', ')}${suffix}`,
    );
  }

  /**
   * Takes up to `limit` due rows of an integration off the queue (marks them in flight, claimed by `worker`).
   * One statement, so delivery workers in several processes never take the same row.
   */
  claim(integrationId: string, now: number, limit: number, at: string, worker = 'host'): ClaimedRow[] {
    // One statement marks and returns the rows, oldest first (RETURNING gives no order of its own).
    const rows = this.statement(
      `UPDATE deliveries SET status = 'in_flight', claimed_by = ?, updated_at = ? WHERE id IN (
         SELECT id FROM deliveries WHERE integration_id = ? AND status = 'queued' AND next_attempt_at <= ?
         ORDER BY id LIMIT ?)
       RETURNING id, event_id, integration_id, attempts, amazon_event, event_id_amazon, event_name`,
    ).all(worker, at, integrationId, now, limit) as ClaimedRow[];
    if (rows.length === 0) return rows;
    const events = new Map(
      (
        this.statement(
          'SELECT delivery_id AS id, amazon_event AS json FROM delivery_events WHERE delivery_id IN (SELECT value FROM json_each(?))',
        ).all(JSON.stringify(rows.map((r) => r.id))) as Array<{ id: number; json: string }>
      ).map((e) => [e.id, e.json]),
    );
    for (const row of rows) row.amazon_event ??= events.get(row.id) ?? null;
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Stores outcomes, and the match quality counters they add, in one transaction. Outcomes alike (a batch's
   * deliveries, mostly) are one statement over their ids, not a statement each.
   */
  settle(settlements: Settlement[], at: string, tallies?: Tallies): void {
    const update = this.statement(
      `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, outcome_code = ?, outcome_message = ?,
         updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
    );
    const alike = new Map<string, { s: Settlement; ids: number[] }>();
    for (const s of settlements) {
      const key = JSON.stringify([s.status, s.attempts, s.nextAttemptAt, s.code ?? null, s.message ?? null]);
      const group = alike.get(key);
      if (group) group.ids.push(s.id);
      else alike.set(key, { s, ids: [s.id] });
    }
    this.db.transaction(() => {
      for (const { s, ids } of alike.values())
        update.run(
          s.status,
          s.attempts,
          s.nextAttemptAt,
          s.code ?? null,
          s.message ?? null,
          at,
          JSON.stringify(ids),
        );
      if (tallies) this.quality.add(tallies, at);
    })();
  }

  /**
   * Rows left in flight go back on the queue (they keep their Amazon eventId): all of them at start, after a
   * crash; those of one `worker` when it stopped without their answers or died.
   */
  requeueInFlight(at: string, worker?: string): number {
    const mine = worker === undefined ? '' : ' AND claimed_by = ?';
    return this.db
      .prepare(`UPDATE deliveries SET status = 'queued', updated_at = ? WHERE status = 'in_flight'${mine}`)
      .run(at, ...(worker === undefined ? [] : [worker])).changes;
  }

  /** Rows in flight under any claim but the `live` ones go back on the queue (they keep their Amazon eventId). */
  requeueOrphaned(at: string, live: readonly string[]): number {
    return this.db
      .prepare(
        `UPDATE deliveries SET status = 'queued', updated_at = ?
         WHERE status = 'in_flight' AND claimed_by NOT IN (SELECT value FROM json_each(?))`,
      )
      .run(at, JSON.stringify(live)).changes;
  }

  /** Integrations with rows due now: one index lookup per integration, however long the queue. */
  dueIntegrations(now: number): string[] {
    return (
      this.statement(
        `SELECT id FROM integrations WHERE EXISTS (
           SELECT 1 FROM deliveries WHERE integration_id = integrations.id AND status = 'queued' AND next_attempt_at <= ?)`,
      ).all(now) as Array<{ id: string }>
    ).map((r) => r.id);
  }

  /**
   * The rows with their event, for live updates after a change. The ids travel as one JSON parameter, so any
   * number of them is one statement (a list of `?` stops at SQLite's 32,766 parameters).
   */
  recentByIds(ids: readonly number[], maxShownBytes: number): LiveRow[] {
    if (ids.length === 0) return [];
    return this.statement(
      `SELECT ${LIVE_COLUMNS}
       FROM deliveries d JOIN events e ON e.id = d.event_id LEFT JOIN delivery_events x ON x.delivery_id = d.id
       WHERE d.id IN (SELECT value FROM json_each(?))`,
    ).all({ max: maxShownBytes }, JSON.stringify(ids)) as LiveRow[];
  }

  /** Rows with their event, newest first, before the row `before` (for Live Events). */
  recent(before: number, limit: number, maxShownBytes: number, integrationId?: string): LiveRow[] {
    return this.db
      .prepare(
        `SELECT ${LIVE_COLUMNS}
         FROM deliveries d JOIN events e ON e.id = d.event_id LEFT JOIN delivery_events x ON x.delivery_id = d.id
         WHERE d.id < ? AND (? IS NULL OR d.integration_id = ?) ORDER BY d.id DESC LIMIT ?`,
      )
      .all({ max: maxShownBytes }, before, integrationId ?? null, integrationId ?? null, limit) as LiveRow[];
  }

  /** An integration's queued rows become due now (after a reconnect, they need not wait out their backoff). */
  dueNow(integrationId: string, at: string): number {
    return this.db
      .prepare(
        "UPDATE deliveries SET next_attempt_at = 0, updated_at = ? WHERE integration_id = ? AND status = 'queued'",
      )
      .run(at, integrationId).changes;
  }

  deadLetters(integrationId: string, after: number, limit: number): DeliveryRow[] {
    return this.db
      .prepare(
        "SELECT * FROM deliveries WHERE integration_id = ? AND status = 'dead' AND id > ? ORDER BY id LIMIT ?",
      )
      .all(integrationId, after, limit) as DeliveryRow[];
  }

  /** Puts dead letters back on the queue with a fresh attempt count; all of them when `ids` is absent. */
  replay(integrationId: string, ids: number[] | undefined, at: string): number[] {
    return this.db.transaction(() => {
      const rows = (
        this.db
          .prepare(
            "SELECT id, event_name, outcome_code, updated_at FROM deliveries WHERE integration_id = ? AND status = 'dead'",
          )
          .all(integrationId) as Array<Pick<DeliveryRow, 'id' | 'event_name' | 'outcome_code' | 'updated_at'>>
      ).filter((r) => !ids || ids.includes(r.id));
      const update = this.db.prepare(
        "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = 0, updated_at = ? WHERE id = ?",
      );
      for (const r of rows) {
        update.run(at, r.id);
        // Its dead letter is taken back from the hour it was counted in: its final outcome is counted again.
        this.quality.add(
          new Map([[integrationId, deadLetterUndone(r.event_name, r.outcome_code)]]),
          r.updated_at,
        );
      }
      return rows.map((r) => r.id);
    })();
  }

  /**
   * The delivery funnel of an integration since `from` (ISO): its rows by status, whether they were tried, and
   * reason, with how many, one message and one sample event id each.
   */
  funnel(integrationId: string, from: string): FunnelRow[] {
    return this.db
      .prepare(
        `SELECT status, attempts > 0 AS tried, outcome_code AS code, COUNT(*) AS n,
                MAX(outcome_message) AS message, MAX(event_id) AS sample
         FROM deliveries WHERE integration_id = ? AND created_at >= ?
         GROUP BY status, tried, outcome_code ORDER BY n DESC`,
      )
      .all(integrationId, from) as FunnelRow[];
  }

  /** Rows per status, for the accounting of soak runs and the stats endpoint. */
  counts(): Record<string, number> {
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')
      .all() as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  deliveredEventIds(): string[] {
    return (
      this.db
        .prepare("SELECT event_id_amazon AS id FROM deliveries WHERE status = 'delivered'")
        .all() as Array<{ id: string }>
    ).map((r) => r.id);
  }

  eventCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }
}
