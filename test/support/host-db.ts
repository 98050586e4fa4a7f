import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Reads a host's database as an operator would, beside the running host (read-only, closed after). */
export function readHostDb<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'signal-host.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
