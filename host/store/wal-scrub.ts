import { BUSY_TIMEOUT_MS, type Db } from './database.js';

/** When another connection kept the checkpoint from finishing, the next try. */
const RETRY_MS = 250;

/**
 * Deleted content leaves the database files: with `secure_delete` on (database.ts), a delete or update writes
 * zeros over what it removed, but the page versions that held it stay in the write-ahead log until a
 * checkpoint copies the log into the database and truncates it. `scrub()` runs that checkpoint right after a
 * purge or a delete. It never waits on another connection (a reader or a writer in a delivery worker process):
 * when one keeps it from finishing, it tries again a moment later, so no request or delivery waits for it.
 */
export class WalScrub {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  /** Checkpoints and truncates the WAL now; true when it finished, false when a retry is scheduled. */
  scrub(): boolean {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.db.open) return false;
    if (this.checkpoint()) return true;
    this.schedule(RETRY_MS);
    return false;
  }

  /** No scrub after the database closes. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.scrub(), ms);
    this.timer.unref();
  }

  /** True when the log was copied and truncated; false when another connection kept it from finishing. */
  private checkpoint(): boolean {
    this.db.pragma('busy_timeout = 0');
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      return result?.busy === 0;
    } catch (error) {
      // Another connection checkpointing at the same moment answers SQLITE_BUSY: try again shortly.
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
      throw error;
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }
}
