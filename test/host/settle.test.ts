import { openHostStore, type HostStore } from '../../host/store/host-store.js';
import type { Settlement } from '../../host/store/deliveries-repo.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * A delivery worker claims a batch and stores its outcomes in one transaction. Outcomes alike are stored by
 * one statement over their ids: each row must still end with its own outcome, and a claim gives the worker
 * what it reads of a row, its Amazon event included.
 */
const dir = tempDirForFile('signal-settle-');
let store: HostStore;
beforeAll(() => {
  store = openHostStore(dir);
});
afterAll(() => store.db.close());

const AT = '2026-12-07T12:00:00.000Z';

function queued(n: number): number[] {
  return store.deliveries.accept(
    Array.from({ length: n }, (_, i) => ({
      id: `evt_settle_${i}`,
      payload: '{}',
      deliveries: [
        {
          eventId: `evt_settle_${i}`,
          integrationId: 'int_settle',
          status: 'queued' as const,
          amazonEvent: `{"n":${i}}`,
          amazonEventId: `amz-${i}`,
          eventName: 'Purchase',
        },
      ],
    })),
    AT,
  );
}

test('a claim gives each row its event, Amazon event and attempts; the outcomes each land on their own row', () => {
  const ids = queued(7);
  const claimed = store.deliveries.claim('int_settle', Date.now(), 10, AT, 'w1');
  expect(claimed.map((r) => [r.id, r.event_id, r.amazon_event, r.event_id_amazon, r.attempts])).toEqual(
    ids.map((id, i) => [id, `evt_settle_${i}`, `{"n":${i}}`, `amz-${i}`, 0]),
  );
  const outcomes: Array<Omit<Settlement, 'id'>> = [
    { status: 'delivered', attempts: 1, nextAttemptAt: 0 },
    { status: 'delivered', attempts: 1, nextAttemptAt: 0 },
    { status: 'rejected', attempts: 1, nextAttemptAt: 0, code: 'FIELD_VALUE_IS_INVALID', message: 'a (x)' },
    { status: 'rejected', attempts: 1, nextAttemptAt: 0, code: 'FIELD_VALUE_IS_INVALID', message: 'b (y)' },
    { status: 'queued', attempts: 1, nextAttemptAt: 5_000, code: 'THROTTLED', message: 'wait' },
    { status: 'queued', attempts: 1, nextAttemptAt: 9_000, code: 'THROTTLED', message: 'wait' },
    { status: 'dead', attempts: 5, nextAttemptAt: 0, code: 'SERVER_ERROR', message: 'gave up' },
  ];
  store.deliveries.settle(
    outcomes.map((o, i) => ({ ...o, id: ids[i]! })),
    AT,
  );
  const rows = store.db
    .prepare(
      `SELECT status, attempts, next_attempt_at AS nextAttemptAt, outcome_code AS code, outcome_message AS message
       FROM deliveries WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(JSON.stringify(ids));
  expect(rows).toEqual(outcomes.map((o) => ({ code: null, message: null, ...o })));
});
