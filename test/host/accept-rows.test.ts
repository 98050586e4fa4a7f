import { openHostStore, type HostStore } from '../../host/store/host-store.js';
import type { NewDelivery } from '../../host/store/deliveries-repo.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * Accepting a request's events stores them, and their deliveries, many rows to a statement: every delivery
 * must still get its own event, integration, status and Amazon event, and the ids come back in the order the
 * deliveries were given, whatever the number of rows (one, a statement's worth, or many statements' worth).
 */
const dir = tempDirForFile('signal-accept-rows-');
let store: HostStore;
beforeAll(() => {
  store = openHostStore(dir);
});
afterAll(() => store.db.close());

const AT = '2026-12-07T12:00:00.000Z';
const INTEGRATIONS = ['int_a', 'int_b', 'int_c'];

/** Event `n` of a request `tag`: int_b filters every third event, int_c finds every fifth invalid. */
function request(tag: string, events: number) {
  return Array.from({ length: events }, (_, n) => {
    const id = `evt_${tag}_${n}`;
    const deliveries: NewDelivery[] = INTEGRATIONS.map((integrationId) => {
      if (integrationId === 'int_b' && n % 3 === 0)
        return {
          eventId: id,
          integrationId,
          status: 'filtered',
          code: 'CONSENT_DENIED',
          message: 'no consent',
        };
      if (integrationId === 'int_c' && n % 5 === 0)
        return { eventId: id, integrationId, status: 'invalid', code: 'MISSING_FIELD', message: 'no value' };
      return {
        eventId: id,
        integrationId,
        status: 'queued',
        amazonEvent: `{"event":"${id}","for":"${integrationId}"}`,
        amazonEventId: `amz_${id}_${integrationId}`,
        eventName: 'Purchase',
      };
    });
    return { id, payload: `{"n":${n},"tag":"${tag}"}`, deliveries };
  });
}

/** The stored rows of `ids`, with their event's payload and their Amazon event. */
function stored(ids: number[]): Array<Record<string, unknown>> {
  return store.db
    .prepare(
      `SELECT d.id, d.event_id AS eventId, d.integration_id AS integrationId, d.status,
           d.event_id_amazon AS amazonEventId, d.event_name AS eventName, d.outcome_code AS code,
           d.outcome_message AS message, x.amazon_event AS amazonEvent, e.payload
         FROM deliveries d JOIN events e ON e.id = d.event_id
         LEFT JOIN delivery_events x ON x.delivery_id = d.id
         WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.id`,
    )
    .all(JSON.stringify(ids)) as Array<Record<string, unknown>>;
}

test.each([
  ['one event', 1],
  ['16 events: 48 deliveries, under one statement', 16],
  ['17 events: 51 deliveries, just over one', 17],
  ['500 events: 1,500 deliveries', 500],
])('%s: each delivery keeps its own event, integration, status and Amazon event', (_name, events) => {
  const tag = `r${events}`;
  const given = request(tag, events);
  const ids = store.deliveries.accept(given, AT);
  const deliveries = given.flatMap((e) => e.deliveries.map((d) => ({ d, payload: e.payload })));
  expect(ids).toHaveLength(deliveries.length);
  expect([...ids].sort((a, b) => a - b)).toEqual(ids); // in the order given
  const rows = stored(ids);
  expect(rows).toHaveLength(deliveries.length);
  rows.forEach((row, i) => {
    const { d, payload } = deliveries[i]!;
    expect(row).toEqual({
      id: ids[i],
      eventId: d.eventId,
      integrationId: d.integrationId,
      status: d.status,
      amazonEventId: d.amazonEventId ?? null,
      eventName: d.eventName ?? null,
      code: d.code ?? null,
      message: d.message ?? null,
      amazonEvent: d.amazonEvent ?? null,
      payload,
    });
  });
});

test('a claim hands each queued delivery its own Amazon event after a request of many statements', () => {
  const given = request('claim', 120);
  store.deliveries.accept(given, AT);
  // The requests above queued int_c rows too: this request's are those of its events.
  const claimed = store.deliveries
    .claim('int_c', Date.now(), 10_000, AT, 'w1')
    .filter((r) => r.event_id.startsWith('evt_claim_'));
  const expected = given
    .flatMap((e) => e.deliveries)
    .filter((d) => d.integrationId === 'int_c' && d.status === 'queued');
  expect(claimed.map((r) => [r.event_id, r.amazon_event, r.event_id_amazon])).toEqual(
    expected.map((d) => [d.eventId, d.amazonEvent, d.amazonEventId]),
  );
  expect(claimed).toHaveLength(96); // 120 less every fifth
});
