import type Database from 'better-sqlite3';
import type { Metric } from '../../plugin/index.js';
import type { QualityTally } from '../../plugin/quality/quality-tally.js';
import type { Db } from './database.js';

const HOUR_MS = 3_600_000;

/** How long match quality counters are kept. */
export const MATCH_QUALITY_DAYS = 90;

/** The hour bucket of a time (epoch ms, or ISO text as the stores write it): `2026-12-01T17`. */
export function hourOf(time: number | string): string {
  return (typeof time === 'string' ? time : new Date(time).toISOString()).slice(0, 13);
}

/** Counters per integration, hour, Amazon event name and metric: a few rows a request, never a value of an event. */
export class MatchQualityRepo {
  private readonly upsert: Database.Statement;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO match_quality (integration_id, hour, event_name, metric, n) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (integration_id, hour, event_name, metric) DO UPDATE SET n = n + excluded.n`,
    );
  }

  /** Adds the tallies (by integration id) to the counters of the hour of `at` (ISO); the caller's transaction holds it. */
  add(tallies: ReadonlyMap<string, QualityTally>, at: string): void {
    const hour = hourOf(at);
    for (const [integrationId, tally] of tallies)
      for (const { eventName, metric, n } of tally.rows())
        this.upsert.run(integrationId, hour, eventName, metric, n);
  }

  /** The sums of an integration's counters over the hours from `fromHour` up to, not including, `toHour`. */
  sums(
    integrationId: string,
    fromHour: string,
    toHour: string,
  ): Array<{ eventName: string; metric: Metric; n: number }> {
    return this.db
      .prepare(
        `SELECT event_name AS eventName, metric, SUM(n) AS n FROM match_quality
         WHERE integration_id = ? AND hour >= ? AND hour < ? GROUP BY event_name, metric`,
      )
      .all(integrationId, fromHour, toHour) as Array<{ eventName: string; metric: Metric; n: number }>;
  }

  /** The counters of each hour in the range, for a trend. */
  hourly(
    integrationId: string,
    fromHour: string,
    toHour: string,
  ): Array<{ hour: string; eventName: string; metric: Metric; n: number }> {
    return this.db
      .prepare(
        `SELECT hour, event_name AS eventName, metric, n FROM match_quality
         WHERE integration_id = ? AND hour >= ? AND hour < ? ORDER BY hour`,
      )
      .all(integrationId, fromHour, toHour) as Array<{
      hour: string;
      eventName: string;
      metric: Metric;
      n: number;
    }>;
  }

  /** Deletes counters older than the kept days; returns how many rows. */
  purge(now: number): number {
    return this.db
      .prepare('DELETE FROM match_quality WHERE hour < ?')
      .run(hourOf(now - MATCH_QUALITY_DAYS * 24 * HOUR_MS)).changes;
  }
}
