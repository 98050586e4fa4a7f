import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../../bench/redis-server.js';
import { startHost, purchase, type HostHarness } from '../support/host-harness.js';
import { captureLogger } from '../support/capture-logger.js';
import { readHostDb } from '../support/host-db.js';
import { SILENT_WORKER_MS } from '../../host/pipeline/worker-processes.js';

/**
 * `SIGNAL_WORKERS=N`: N delivery worker processes over the host's one SQLite queue, sharing tokens and pace
 * through Redis. Each row is claimed by one of them; one that dies has its rows put back and is replaced.
 */
let redis: RedisServer;
let h: HostHarness;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => h?.close());

const EVENTS = 2_000;

async function ingestAll(prefix: string): Promise<void> {
  for (let from = 0; from < EVENTS; from += 500) {
    const batch = Array.from({ length: 500 }, (_, i) => purchase(`${prefix}-${from + i}`));
    expect((await h.ingest('/v1/batch', { batch })).status).toBe(200);
  }
}

/** Rows `worker` holds in flight now (its claims carry its name and process id: `worker-1/<pid>`). */
function inFlight(worker: string): number {
  return readHostDb(
    h.dataDir,
    (db) =>
      db
        .prepare("SELECT COUNT(*) FROM deliveries WHERE status = 'in_flight' AND claimed_by LIKE ?")
        .pluck()
        .get(`${worker}/%`) as number,
  );
}

/** Rows by status, and by the worker that claimed them last, read from the host's database. */
function queue(): { delivered: number; workers: string[] } {
  const rows = readHostDb(
    h.dataDir,
    (db) =>
      db
        .prepare(
          "SELECT claimed_by AS w, COUNT(*) AS n FROM deliveries WHERE status = 'delivered' GROUP BY w",
        )
        .all() as Array<{ w: string; n: number }>,
  );
  return {
    delivered: rows.reduce((n, r) => n + r.n, 0),
    workers: [...new Set(rows.map((r) => r.w.split('/')[0]!))].sort(),
  };
}

test('two worker processes: every event delivered once, by both of them', async () => {
  // A request timed out on a busy machine is sent again by design (same eventId); this test is about claims,
  // so give Amazon's answers time enough that no request is retried.
  h = await startHost(
    { workerProcesses: 2, worker: { pollMs: 20, batchSize: 100 }, amazon: { requestTimeoutMs: 30_000 } },
    redis.url,
  );
  expect(Object.keys(h.host.workerPids())).toEqual(['worker-1', 'worker-2']);
  expect((await h.install()).status).toBe(201);
  await ingestAll('W');
  await h.waitFor(() => queue().delivered === EVENTS || undefined, 'every event delivered', 30_000);
  expect(h.sandbox.accepted.size).toBe(EVENTS);
  expect(h.sandbox.duplicates).toBe(0); // no row was claimed twice
  expect(queue().workers).toEqual(['worker-1', 'worker-2']);
  // Each worker's claims carry its process id: a worker of another run never shares the name.
  const pids = h.host.workerPids();
  expect(claimNames().sort()).toEqual([`worker-1/${pids['worker-1']}`, `worker-2/${pids['worker-2']}`]);
}, 40_000);

/** The claim names of delivered rows. */
function claimNames(): string[] {
  return readHostDb(
    h.dataDir,
    (db) =>
      db
        .prepare("SELECT DISTINCT claimed_by FROM deliveries WHERE status = 'delivered'")
        .pluck()
        .all() as string[],
  );
}

test(
  'rows a worker of an earlier run claimed after this start are put back, once that worker has had time to stop',
  async () => {
    const capture = captureLogger();
    h = await startHost({ workerProcesses: 1, logger: capture.logger });
    expect((await h.install()).status).toBe(201);
    // Held still while the rows are queued and taken, as a worker of a killed host (still alive) takes them.
    const worker = h.host.workerPids()['worker-1']!;
    process.kill(worker, 'SIGSTOP');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await h.ingest('/v1/t', purchase(`ORPHAN-${i}`))).body.ids[0] as string);
    const db = new Database(join(h.dataDir, 'signal-host.db'));
    const taken = db
      .prepare(
        "UPDATE deliveries SET status = 'in_flight', claimed_by = 'worker-1/1' WHERE status = 'queued'",
      )
      .run().changes;
    db.close();
    process.kill(worker, 'SIGCONT');
    expect(taken).toBe(5);
    for (const id of ids) await h.waitForOutcome(id, 'delivered', SILENT_WORKER_MS + 5_000);
    const swept = capture.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'orphaned_claims_requeued');
    expect(swept.map((l) => l.requeued)).toEqual([5]);
  },
  SILENT_WORKER_MS + 20_000,
);

test('a worker process killed mid-delivery: its rows go back on the queue, another takes its place, none lost', async () => {
  const logs = captureLogger();
  h = await startHost(
    {
      workerProcesses: 2,
      worker: { pollMs: 20, batchSize: 100 },
      logger: logs.logger,
      amazon: { requestTimeoutMs: 30_000 }, // only the kill sends events again, never a timeout
    },
    redis.url,
  );
  expect((await h.install()).status).toBe(201);
  // Amazon answers slowly, so that the worker is killed with requests in flight.
  h.sandbox.faults.add({ route: 'events', delayMs: 300, times: 1_000 });
  await ingestAll('K');
  const killed = h.host.workerPids()['worker-1']!;
  // Killed while it holds rows in flight (each request takes at least 300 ms at the sandbox).
  await h.waitFor(() => inFlight('worker-1') > 0 || undefined, 'worker-1 holding rows in flight', 30_000);
  process.kill(killed, 'SIGKILL');
  await h.waitFor(
    () => (h.host.workerPids()['worker-1'] !== killed && h.host.workerPids()['worker-1']) || undefined,
    'worker-1 replaced',
  );
  await h.waitFor(() => queue().delivered === EVENTS || undefined, 'every event delivered', 60_000);
  const exited = logs.lines.map((l) => JSON.parse(l)).find((l) => l.event === 'worker_exited');
  expect(exited).toMatchObject({ worker: 'worker-1', signal: 'SIGKILL' });
  expect(exited.requeued).toBeGreaterThan(0);
  // Each event is held once at Amazon, under its own id: none lost.
  expect([...h.sandbox.accepted.keys()].sort()).toEqual(
    Array.from({ length: EVENTS }, (_, i) => `5830921746193:K-${i}`).sort(),
  );
  // At most the rows in flight at the kill, put back on the queue, were sent again (same ids).
  expect(h.sandbox.duplicates).toBeLessThanOrEqual(exited.requeued);
}, 80_000);

test('with a worker process, it checkpoints the WAL: the database file takes the events while the host waits for 64 MB', async () => {
  // No integration: the worker commits nothing of its own, so only its timed checkpoint copies the log in.
  h = await startHost({ workerProcesses: 1 });
  const bytes = () => statSync(join(h.dataDir, 'signal-host.db')).size;
  const before = bytes();
  await ingestAll('CKPT');
  // 2,000 events are about 3 MB: far under the host's own threshold (64 MB), so only the worker copies them in.
  await h.waitFor(
    () => bytes() - before > 1_000_000 || undefined,
    'the events checkpointed into the file',
    8_000,
  );
  const hostDb = (h.host as unknown as { db: Database.Database }).db;
  expect(hostDb.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);
}, 30_000);

test(
  'a worker that falls silent (stopped by a signal) is killed and replaced, and delivery goes on',
  async () => {
    const capture = captureLogger();
    h = await startHost({ workerProcesses: 1, logger: capture.logger });
    expect((await h.install()).status).toBe(201);
    const first = h.host.workerPids()['worker-1']!;
    process.kill(first, 'SIGSTOP');
    const second = await h.waitFor(
      () => {
        const pid = h.host.workerPids()['worker-1'];
        return pid !== undefined && pid !== first ? pid : undefined;
      },
      'another worker in its place',
      SILENT_WORKER_MS + 8_000,
    );
    expect(second).not.toBe(first);
    const silent = capture.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'worker_silent');
    expect(silent.map((l) => l.worker)).toEqual(['worker-1']);
    const id = (await h.ingest('/v1/t', purchase('AFTER-SILENT'))).body.ids[0] as string;
    await h.waitForOutcome(id, 'delivered');
  },
  SILENT_WORKER_MS + 30_000,
);
