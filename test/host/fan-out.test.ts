import Database from 'better-sqlite3';
import { join } from 'node:path';
import { LIVE_BURST_ROWS } from '../../host/pipeline/live-hub.js';
import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * Stored means answered: a 500-event batch to 67 integrations is 33,500 deliveries, more than SQLite's 32,766
 * parameters in one statement. The old host stored them, then built an `IN (…)` list for the Live Events push
 * and answered 500, so a client sending again duplicated every event.
 */
const INTEGRATIONS = 67;
const EVENTS = 500;

let h: HostHarness;
beforeAll(async () => {
  // No polling: every delivery stays queued, so the count is exact.
  h = await startHost({ worker: { pollMs: 3_600_000 } });
  for (let i = 0; i < INTEGRATIONS; i++) expect((await h.install()).status).toBe(201);
}, 60_000);
afterAll(() => h.close());

test('a 500-event batch to 67 integrations: 200, exactly 33,500 deliveries queued, none twice', async () => {
  // Someone watches Live Events: the push after the commit runs.
  const stream = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const reader = stream.body!.getReader();
  let pushed = 0;
  const reading = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
      const frames = text.split('\n\n');
      text = frames.pop()!;
      pushed += frames.filter((f) => f.startsWith('event: event')).length;
    }
  })();

  const batch = Array.from({ length: EVENTS }, (_, i) => ({ type: 'track', ...purchase(`FAN-${i}`) }));
  const answer = await h.ingest('/v1/batch', { batch });
  expect(answer.status).toBe(200);
  expect(answer.body.accepted).toBe(EVENTS);
  expect(new Set(answer.body.ids).size).toBe(EVENTS);

  expect(h.host.accounting().deliveries).toEqual({ queued: EVENTS * INTEGRATIONS });
  const db = new Database(join(h.dataDir, 'signal-host.db'), { readonly: true });
  try {
    const look = () =>
      db
        .prepare(
          `SELECT COUNT(*) AS rows, COUNT(DISTINCT event_id || '/' || integration_id) AS pairs,
                  COUNT(DISTINCT event_id) AS events FROM deliveries`,
        )
        .get();
    expect(look()).toEqual({ rows: 33_500, pairs: 33_500, events: EVENTS });
    // The stream got the newest rows, bounded; all of them are read from the API.
    await h.waitFor(() => pushed >= LIVE_BURST_ROWS || undefined, 'the live push');
    expect(pushed).toBe(LIVE_BURST_ROWS);
    // A second look after the push: still one row per event and integration.
    expect(look()).toEqual({ rows: 33_500, pairs: 33_500, events: EVENTS });
  } finally {
    db.close();
  }
  await reader.cancel();
  await reading.catch(() => undefined);
}, 120_000);
