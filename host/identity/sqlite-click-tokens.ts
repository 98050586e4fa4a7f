import type { Db } from '../store/database.js';
import type { ClickTokenStore } from './click-token-store.js';

/** The click-token memory in the host's SQLite database (table `click_tokens`), for a host on its own. */
export class SqliteClickTokens implements ClickTokenStore {
  private readonly upsert;
  private readonly select;
  private readonly purge;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO click_tokens (visitor, token, seen_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (visitor) DO UPDATE SET token = excluded.token, seen_at = excluded.seen_at,
         expires_at = excluded.expires_at`,
    );
    this.select = db.prepare('SELECT token FROM click_tokens WHERE visitor = ? AND expires_at > ?').pluck();
    this.purge = db.prepare('DELETE FROM click_tokens WHERE expires_at <= ?');
  }

  remember(tokens: ReadonlyMap<string, string>, now: number, ttlMs: number): Promise<void> {
    this.db.transaction(() => {
      for (const [visitor, token] of tokens) this.upsert.run(visitor, token, now, now + ttlMs);
    })();
    return Promise.resolve();
  }

  /** One read of the database for a request's visitors (a statement each would be a transaction each). */
  recall(visitors: readonly string[], now: number): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    this.db.transaction(() => {
      for (const visitor of visitors) {
        const token = this.select.get(visitor, now) as string | undefined;
        if (token !== undefined) found.set(visitor, token);
      }
    })();
    return Promise.resolve(found);
  }

  purgeExpired(now: number): number {
    return this.purge.run(now).changes;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
