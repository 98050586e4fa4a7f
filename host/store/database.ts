import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/** How long a statement waits for another connection (a delivery worker process) before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS integrations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  vendor TEXT NOT NULL,
  catalog_vendor_key TEXT NOT NULL,
  catalog_variant_key TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  needs_reconnect INTEGER NOT NULL DEFAULT 0,
  current_revision_id TEXT NOT NULL,
  installation TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS revisions (
  id TEXT PRIMARY KEY,
  integration_id TEXT NOT NULL,
  revision_number INTEGER NOT NULL,
  config TEXT NOT NULL,
  delivery_mode TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  received_at TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  amazon_event TEXT,
  event_id_amazon TEXT,
  outcome_code TEXT,
  outcome_message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries (integration_id, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
CREATE TABLE IF NOT EXISTS delivery_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  integration_id TEXT NOT NULL,
  at TEXT NOT NULL,
  http_status INTEGER,
  attempt INTEGER NOT NULL,
  events INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  retried INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  request_id TEXT,
  error TEXT
);
-- The Amazon event of a delivery, apart from its status: a claim or an outcome then rewrites a row of some
-- 60 bytes, not one of a kilobyte or more. (deliveries.amazon_event is read too, for rows stored before.)
CREATE TABLE IF NOT EXISTS delivery_events (
  delivery_id INTEGER PRIMARY KEY,
  amazon_event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_log_by_integration ON delivery_log (integration_id, id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- /readyz's write check: one row updated in place and committed (a rolled-back write never reaches a WAL file).
CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL, room BLOB);
-- "Connect with Amazon": the refresh token an authorization gave (sealed like every secret), for installs.
CREATE TABLE IF NOT EXISTS connections (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  profiles_count INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
-- Match quality: whole-number counters per integration, hour (\`2026-12-01T17\`), Amazon event name and metric
-- (plugin/quality/quality-tally.ts names them). Added to in the transaction that stores what they count.
CREATE TABLE IF NOT EXISTS match_quality (
  integration_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  event_name TEXT NOT NULL,
  metric TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (integration_id, hour, event_name, metric)
) WITHOUT ROWID;
-- The newest Amazon click token (aref) of each visitor, by a hash of the anonymousId, until expires_at (epoch
-- ms): host/identity/. Purged by the retention sweep once expired.
CREATE TABLE IF NOT EXISTS click_tokens (
  visitor TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Columns added after a table was first made: a database made before them gets them when it is opened. */
const ADDED_COLUMNS: ReadonlyArray<[table: string, column: string, type: string]> = [
  // The Amazon event name of a delivery, for counting its outcome by event type.
  ['deliveries', 'event_name', 'TEXT'],
  // The delivery worker that took a row in flight (`SIGNAL_WORKERS`): its rows go back on the queue if it dies.
  ['deliveries', 'claimed_by', 'TEXT'],
  // 1 once the raw event's retention ended (raw-events-repo.ts): its payload and raw identifiers are gone.
  ['events', 'purged', 'INTEGER NOT NULL DEFAULT 0'],
  // What the readiness check writes and frees while a storage failure lasts (host/telemetry/readiness.ts).
  ['heartbeat', 'room', 'BLOB'],
];

/**
 * Opens (and creates) the host's SQLite database in the data directory, in WAL mode. The directory is 0700 and
 * the database 0600 before WAL starts, so SQLite gives its -wal and -shm files the same mode: no other user of
 * the machine can read events or secrets. Deleted content is zeroed (`secure_delete`).
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const file = join(dataDir, 'signal-host.db');
  const db = new Database(file);
  chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  // A database made before these modes were set keeps WAL files of its old mode: tighten them too.
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  // FULL: an event answered 2xx is on disk even after a power loss (NORMAL in WAL mode may lose the last
  // transactions); the cost is one more fsync per commit.
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // What a delete or an update removes is overwritten with zeros, in the page and in freed pages, so a purged
  // event or a deleted secret cannot be read back from the file (wal-scrub.ts then clears the log). The pragma
  // holds per connection: every process opens the database here.
  db.pragma('secure_delete = ON');
  db.exec(SCHEMA);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  return db;
}
