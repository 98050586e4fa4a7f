import { newId } from '../ids.js';
import type { Db } from './database.js';
import type { SecretBox } from './secret-box.js';

export interface ConnectionRow {
  id: string;
  client_id: string;
  profiles_count: number;
  created_at: string;
}

/**
 * Connections made with "Connect with Amazon": a Login with Amazon refresh token, sealed at rest like every
 * secret, and never shown by the API (only the id, the client id and how many profiles it sees).
 */
export class ConnectionsRepo {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    /** Called after a delete, to clear the removed token from the write-ahead log (wal-scrub.ts). */
    private readonly deleted: () => void = () => {},
  ) {}

  add(clientId: string, refreshToken: string, profilesCount: number, at: string): ConnectionRow {
    const row = { id: newId('conn'), client_id: clientId, profiles_count: profilesCount, created_at: at };
    this.db
      .prepare(
        'INSERT INTO connections (id, client_id, refresh_token, profiles_count, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(row.id, clientId, this.box.seal(refreshToken), profilesCount, at);
    return row;
  }

  list(): ConnectionRow[] {
    return this.db
      .prepare('SELECT id, client_id, profiles_count, created_at FROM connections ORDER BY created_at, id')
      .all() as ConnectionRow[];
  }

  get(id: string): ConnectionRow | undefined {
    return this.db
      .prepare('SELECT id, client_id, profiles_count, created_at FROM connections WHERE id = ?')
      .get(id) as ConnectionRow | undefined;
  }

  /** The connection's refresh token, opened (for calls to Amazon only). */
  refreshToken(id: string): string | undefined {
    const row = this.db.prepare('SELECT refresh_token FROM connections WHERE id = ?').get(id) as
      { refresh_token: string } | undefined;
    return row ? this.box.open(row.refresh_token) : undefined;
  }

  /** Removes a connection and its refresh token at once; false when there was none. */
  delete(id: string): boolean {
    const removed = this.db.prepare('DELETE FROM connections WHERE id = ?').run(id).changes > 0;
    if (removed) this.deleted();
    return removed;
  }

  /** Seals every refresh token under `next` (key rotation); returns how many. */
  reseal(next: SecretBox): number {
    const rows = this.db.prepare('SELECT id, refresh_token FROM connections').all() as Array<{
      id: string;
      refresh_token: string;
    }>;
    const update = this.db.prepare('UPDATE connections SET refresh_token = ? WHERE id = ?');
    for (const row of rows) update.run(next.seal(this.box.open(row.refresh_token)), row.id);
    return rows.length;
  }
}
