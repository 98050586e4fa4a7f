import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'signal-host.lock';
const HOLDER_FILE = 'signal-host.lock.pid';

/** Another process (a host, or rotate-key) holds the data directory. */
export class DataDirBusyError extends Error {
  readonly code = 'DATA_DIR_BUSY';
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(`${holder} holds the data directory ${dataDir}: stop it, or wait for it to end, then start again`);
  }
}

/**
 * One process at a time owns a data directory: the host while it runs, `rotate-key` while it re-keys. The lock
 * is a write transaction held open on an SQLite file of its own, so the operating system drops it when its
 * process dies (a crashed host never blocks the next start), and SQLite refuses it to a second connection in
 * the same process too. Who holds it is written beside it, for the message a refused process prints. Never open
 * the lock file itself with `fs` in a process that holds it: POSIX drops all of a process's locks on a file when
 * any descriptor of that file is closed.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string,
  ) {}

  /** Takes the lock for `holder` (`host`, `rotate-key`), or throws `DataDirBusyError` naming who has it. */
  static take(dataDir: string, holder: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, LOCK_FILE);
    const db = new Database(file, { timeout: 0 });
    chmodSync(file, 0o600);
    try {
      // Nothing is ever written: no journal file beside the lock.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      db.close();
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw error;
      throw new DataDirBusyError(dataDir, holderOf(join(dataDir, HOLDER_FILE)));
    }
    const holderFile = join(dataDir, HOLDER_FILE);
    writeFileSync(holderFile, `${holder} (pid ${process.pid})\n`, { mode: 0o600 });
    return new DataDirLock(db, holderFile);
  }

  release(): void {
    if (!this.db.open) return;
    rmSync(this.holderFile, { force: true });
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

function holderOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim() || 'another process';
  } catch {
    return 'another process';
  }
}
