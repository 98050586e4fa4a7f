import { captureLogger } from '../support/capture-logger.js';
import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import {
  startHost,
  purchase,
  ADMIN_TOKEN,
  type HostHarness,
  DEMO_LWA_CONFIG,
} from '../support/host-harness.js';

/**
 * What on-call sees when the storage fails where no request looks: /readyz commits a real write, a delivery
 * worker's storage failure makes the host unready until a write works again (however long that takes), the
 * gauge `signal_storage_writable` says the same, and the log says so once per change, never with event data.
 */
type Db = {
  pragma(p: string, o?: { simple: true }): unknown;
  prepare(sql: string): { get(): unknown };
};
type Worker = { deliveries: { dueIntegrations: (now: number) => string[] } };
const NOT_READY = { status: 'not_ready', reasons: ['storage_unavailable'] };

let h: HostHarness;
let db: Db;
let capture: ReturnType<typeof captureLogger>;
let skew = 0;
let id: string;
beforeEach(async () => {
  skew = 0;
  capture = captureLogger();
  h = await startHost({ logger: capture.logger, now: () => Date.now() + skew });
  db = (h.host as unknown as { db: Db }).db;
  id = (await h.install()).body.id as string;
});
afterEach(() => h.close());

const readyz = async (base = h.host.ingestUrl) => {
  const r = await fetch(`${base}/readyz`);
  return { status: r.status, body: (await r.json()) as unknown };
};
const metrics = async () =>
  (await fetch(`${h.host.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
const logged = (event: string) =>
  capture.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

test('the write check commits: each /readyz past a second moves the heartbeat row to the host clock', async () => {
  skew = 5_000;
  expect((await readyz()).status).toBe(200);
  const first = (db.prepare('SELECT at FROM heartbeat WHERE id = 1').get() as { at: number }).at;
  skew = 7_000;
  expect((await readyz()).status).toBe(200);
  const second = (db.prepare('SELECT at FROM heartbeat WHERE id = 1').get() as { at: number }).at;
  expect(second - first).toBeGreaterThanOrEqual(2_000);
  expect(db.prepare('SELECT count(*) AS n FROM heartbeat').get()).toEqual({ n: 1 });
});

test('a full disk stays unready past the old 10 s hold, until ingestion stores again; one warning, no data', async () => {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const batch = (prefix: string) => ({
    batch: Array.from({ length: 300 }, (_, i) => ({ ...purchase(`${prefix}-${i}`), type: 'track' })),
  });
  for (const prefix of ['FULL-A', 'FULL-B', 'FULL-C'])
    expect((await h.ingest('/v1/batch', batch(prefix))).status).toBe(503);
  expect(await readyz()).toEqual({ status: 503, body: NOT_READY });
  skew = 60_000; // a minute on: the disk is still full, so still unready
  for (const base of [h.host.ingestUrl, h.host.adminUrl])
    expect(await readyz(base)).toEqual({ status: 503, body: NOT_READY });
  expect(await metrics()).toContain('signal_storage_writable 0\n');

  const warnings = logged('storage_unavailable');
  expect(warnings).toHaveLength(1); // three refusals, rate-limited to one line
  expect(warnings[0]).toMatchObject({ level: 'warn', refused: { ingest: 1 } });
  expect(capture.lines.join('\n')).not.toContain('FULL-');

  skew = 75_000; // past the rate limit: the next refusal warns again, with the count since
  expect((await h.ingest('/v1/batch', batch('FULL-D'))).status).toBe(503);
  expect(logged('storage_unavailable')[1]).toMatchObject({ refused: { ingest: 3 } });

  db.pragma('max_page_count = 1073741823');
  expect((await h.ingest('/v1/t', purchase('AFTER'))).status).toBe(200);
  expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
  expect(await metrics()).toContain('signal_storage_writable 1\n');
});

test('an unready host that gets no traffic recovers by its own check once the disk has room again', async () => {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const batch = {
    batch: Array.from({ length: 300 }, (_, i) => ({ ...purchase(`ROOM-${i}`), type: 'track' })),
  };
  expect((await h.ingest('/v1/batch', batch)).status).toBe(503);
  skew = 2_000; // the check runs again: it must write room, and the disk has none
  expect(await readyz()).toEqual({ status: 503, body: NOT_READY });
  db.pragma('max_page_count = 1073741823');
  skew = 4_000; // no request since: the check alone finds the room
  expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
  expect(db.prepare('SELECT room FROM heartbeat WHERE id = 1').get()).toEqual({ room: null });
});

test('a storage failure only the delivery worker meets: unready until the worker works again; paused and resumed logged once', async () => {
  const worker = (h.host as unknown as { worker: Worker }).worker;
  const due = worker.deliveries.dueIntegrations.bind(worker.deliveries);
  worker.deliveries.dueIntegrations = () => {
    throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
  };
  await h.waitFor(() => logged('worker_error').length >= 2 || undefined, 'the worker failing twice');
  for (const base of [h.host.ingestUrl, h.host.adminUrl])
    expect(await readyz(base)).toEqual({ status: 503, body: NOT_READY });
  expect(await metrics()).toContain('signal_storage_writable 0\n');
  expect(logged('delivery_paused')).toEqual([
    expect.objectContaining({ level: 'warn', error: 'disk I/O error' }),
  ]);

  worker.deliveries.dueIntegrations = due;
  await h.waitFor(() => logged('delivery_resumed').length === 1 || undefined, 'the worker resuming', 5_000);
  expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
  expect(logged('delivery_paused')).toHaveLength(1);
});

test('Login with Amazon refuses a renewal: one warning with the integration id and code, never a token', async () => {
  const refresh = await h.admin(`/v1/admin/integrations/${id}`, {
    method: 'PATCH',
    body: {
      config: DEMO_LWA_CONFIG,
    },
  });
  expect(refresh.status).toBe(200);
  h.sandbox.revokeRefreshToken(DEMO_ACCOUNT.refreshToken);
  h.sandbox.expireTokens(true);
  await h.ingest('/v1/t', purchase('REFUSED-1'));
  await h.waitFor(
    async () => (await h.admin(`/v1/admin/integrations/${id}`)).body.needs_reconnect,
    'reconnect needed',
  );
  await h.ingest('/v1/t', purchase('REFUSED-2'));
  expect(logged('needs_reconnect')).toEqual([
    expect.objectContaining({ level: 'warn', integrationId: id, code: 'AUTH_FAILED' }),
  ]);
  const all = capture.lines.join('\n');
  for (const secret of [DEMO_ACCOUNT.refreshToken, DEMO_ACCOUNT.clientSecret, 'Atza|'])
    expect(all).not.toContain(secret);
});
