import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointPast, openDatabase, PAGE_SIZE, type Db } from '../../host/store/database.js';

/**
 * A database the host makes has 16 KiB pages; one made before, with SQLite's 4 KiB, is opened as it is and
 * works. The WAL fallback checkpoint is a size in bytes whatever the page size.
 */
const dirs: string[] = [];
const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signal-page-size-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string): Db {
  const db = openDatabase(dir);
  opened.push(db);
  return db;
}

/** A database as hosts before this change made it: SQLite's default page size, WAL, one event stored. */
function oldDatabase(dir: string): void {
  const db = new Database(join(dir, 'signal-host.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    received_at TEXT NOT NULL, payload TEXT NOT NULL)`);
  db.prepare('INSERT INTO events (id, received_at, payload) VALUES (?, ?, ?)').run('evt_old', 'then', '{}');
  db.close();
}

const pageSize = (db: Db) => db.pragma('page_size', { simple: true }) as number;

test('a new database has 16 KiB pages', () => {
  expect(PAGE_SIZE).toBe(16_384);
  expect(pageSize(open(dataDir()))).toBe(16_384);
});

test('a database made with 4 KiB pages keeps them, and its events, and takes new ones', () => {
  const dir = dataDir();
  oldDatabase(dir);
  const db = open(dir);
  expect(pageSize(db)).toBe(4_096);
  db.prepare('INSERT INTO events (id, received_at, payload) VALUES (?, ?, ?)').run('evt_new', 'now', '{}');
  expect(db.prepare('SELECT id FROM events ORDER BY seq').pluck().all()).toEqual(['evt_old', 'evt_new']);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
});

test.each([
  ['16 KiB pages', false, 4_096],
  ['4 KiB pages', true, 16_384],
])('the 64 MB fallback checkpoint, in pages, on a database of %s', (_name, old, pages) => {
  const dir = dataDir();
  if (old) oldDatabase(dir);
  const db = open(dir);
  expect(checkpointPast(db, 64 * 1024 * 1024)).toBe(pages);
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(pages);
});
