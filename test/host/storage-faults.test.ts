import { startHost, purchase, type HostHarness } from '../support/host-harness.js';

/**
 * Disk full or a read-only database must not take the host down: ingestion answers 503 with Retry-After and
 * stores nothing, the Management API keeps answering, workers pause and resume, nothing accepted is lost.
 */
type Db = { pragma(p: string, o?: { simple: true }): unknown };
let h: HostHarness;
let db: Db;
beforeEach(async () => {
  h = await startHost();
  db = (h.host as unknown as { db: Db }).db;
  await h.install();
});
afterEach(() => h.close());

const batch = (prefix: string, n: number) => ({
  batch: Array.from({ length: n }, (_, i) => ({ ...purchase(`${prefix}-${i}`), type: 'track' })),
});

test('a full disk: ingestion answers 503 with Retry-After, the host stays up, and takes events again after', async () => {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`); // no room to grow
  const refused = await h.ingest('/v1/batch', batch('FULL', 300));
  expect(refused.status).toBe(503);
  expect(refused.body.error.code).toBe('storage_unavailable');
  expect((await h.admin('/v1/admin/stats')).status).toBe(200);
  expect((await h.admin('/v1/admin/stats')).body.events).toBe(0);

  db.pragma('max_page_count = 1073741823');
  const accepted = await h.ingest('/v1/batch', batch('FULL', 300));
  expect(accepted.status).toBe(200);
  await h.waitFor(() => h.sandbox.accepted.size === 300 || undefined, 'all 300 delivered');
});

test('Retry-After is on the 503', async () => {
  db.pragma('query_only = ON');
  const r = await fetch(`${h.host.ingestUrl}/v1/t`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-pipeline-key', 'content-type': 'application/json' },
    body: JSON.stringify(purchase('RO-1')),
  });
  expect(r.status).toBe(503);
  expect(r.headers.get('retry-after')).toBe('5');
  db.pragma('query_only = OFF');
});

test('outcomes that cannot be stored wait in the worker and are stored when writes work again: nothing lost, nothing sent twice', async () => {
  h.sandbox.faults.add({ route: 'events', delayMs: 300 });
  const id = (await h.ingest('/v1/t', purchase('LATE-STORE'))).body.ids[0];
  await h.waitFor(() => h.sandbox.counters.eventRequests >= 1 || undefined, 'the delivery under way');
  db.pragma('query_only = ON'); // the answer comes back to a database that takes no writes
  await h.waitFor(() => h.sandbox.accepted.has('5830921746193:LATE-STORE') || undefined, 'Amazon has it');
  // The worker has the outcome and could not store it: it waits in the worker, the row still in flight.
  const worker = (h.host as unknown as { worker: { unsettled: unknown[] } }).worker;
  await h.waitFor(() => worker.unsettled.length === 1 || undefined, 'the outcome waiting in the worker');
  expect((await h.admin('/v1/admin/stats')).status).toBe(200); // still up
  db.pragma('query_only = OFF');
  await h.waitForOutcome(id, 'delivered');
  expect(h.sandbox.counters.eventRequests).toBe(1);
  expect(h.sandbox.duplicates).toBe(0);
});
