import type { Db } from './database.js';

const RETRY_MS = 250;

/**
 * Deleted content leaves the database files: with `secure_delete` on (database.ts), a delete or update writes
 * zeros over what it removed, but the page versions that held it stay in the write-ahead log until a
 * checkpoint copies the log into the database and truncates it. `scrub()` runs that checkpoint after a purge or
 * a delete; when a reader in another connection keeps it from finishing, it tries again shortly.
 */
export class WalScrub {
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  /** Checkpoints and truncates the WAL; true when it finished now, false when a retry is scheduled. */
  scrub(): boolean {
    clearTimeout(this.retry);
    this.retry = undefined;
    if (!this.db.open) return false;
    if (this.checkpoint()) return true;
    this.retry = setTimeout(() => this.scrub(), RETRY_MS);
    this.retry.unref();
    return false;
  }

  /** True when the log was copied and truncated; false when another connection kept it from finishing. */
  private checkpoint(): boolean {
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      return result?.busy === 0;
    } catch (error) {
      // Another connection checkpointing at the same moment answers SQLITE_BUSY: try again shortly.
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
      throw error;
    }
  }

  /** No retry after the database closes. */
  stop(): void {
    clearTimeout(this.retry);
  }
}
