import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRetention } from '../../host/pipeline/raw-retention.js';
import { retainedAmazonEvent } from '../../host/pipeline/retained-amazon-event.js';
import { startHost, purchase, type HostHarness } from '../support/host-harness.js';

/** Raw events hold personal data as it arrived: kept only as long as the operator says once they are final. */
type Db = { prepare(sql: string): { get(...a: unknown[]): unknown; run(...a: unknown[]): unknown } };
const dbOf = (h: HostHarness) => (h.host as unknown as { db: Db }).db;
const payloadOf = (h: HostHarness, id: string) =>
  (dbOf(h).prepare('SELECT payload FROM events WHERE id = ?').get(id) as { payload: string }).payload;
const amazonEventOf = (h: HostHarness, id: string) =>
  (
    dbOf(h)
      .prepare(
        'SELECT x.amazon_event AS json FROM delivery_events x JOIN deliveries d ON d.id = x.delivery_id WHERE d.event_id = ?',
      )
      .get(id) as { json: string }
  ).json;
const liveEntry = async (h: HostHarness, id: string) =>
  ((await h.admin('/v1/admin/live-events')).body.data as Array<Record<string, any>>).find(
    (e) => e.event_id === id,
  );

async function deliveredEvent(h: HostHarness, transactionId: string): Promise<string> {
  await h.install();
  const id = (await h.ingest('/v1/t', purchase(transactionId))).body.ids[0] as string;
  await h.waitForOutcome(id, 'delivered');
  return id;
}

test.each([
  ['7d', 7 * 86_400_000],
  ['12h', 12 * 3_600_000],
  ['30m', 1_800_000],
  ['0', 0],
  ['90', 90_000],
  ['a week', undefined],
  ['-1d', undefined],
])('SIGNAL_RAW_RETENTION %s → %s ms', (text, ms) => {
  expect(parseRetention(text)).toBe(ms);
});

test('retention 0: the raw event goes as soon as its delivery is final; the outcome and Amazon event stay', async () => {
  const h = await startHost({ rawRetentionMs: 0 });
  try {
    const id = await deliveredEvent(h, 'RET-0');
    await h.waitFor(() => payloadOf(h, id) === '' || undefined, 'the payload deleted');
    const entry = (await liveEntry(h, id))!;
    expect(entry.input).toBeNull();
    expect(entry.amazon_payload.eventId).toBe('RET-0');
    expect(entry.outcome.status).toBe('delivered');
  } finally {
    await h.close();
  }
});

test('an event still waiting to be delivered keeps its raw payload, whatever the retention', async () => {
  const h = await startHost({ rawRetentionMs: 0 });
  try {
    h.sandbox.faults.add({ route: 'events', status: 503, times: 100 });
    await h.install();
    const id = (await h.ingest('/v1/t', purchase('RET-WAIT'))).body.ids[0] as string;
    await h.waitFor(
      async () => (await liveEntry(h, id))?.outcome.attempts >= 1 || undefined,
      'a failed attempt',
    );
    expect(payloadOf(h, id)).not.toBe('');
  } finally {
    await h.close();
  }
});

test('a retention of an hour keeps it; the sweep at start deletes it once it has aged past that', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-retention-'));
  let h = await startHost({ dataDir, rawRetentionMs: 3_600_000 });
  try {
    const id = await deliveredEvent(h, 'RET-1H');
    expect(payloadOf(h, id)).toContain('RET-1H');
    expect(amazonEventOf(h, id)).toContain('203.0.113.42');
    dbOf(h)
      .prepare('UPDATE deliveries SET updated_at = ? WHERE event_id = ?')
      .run(new Date(Date.now() - 7_200_000).toISOString(), id);
    await h.close();
    h = await startHost({ dataDir, rawRetentionMs: 3_600_000 });
    expect(payloadOf(h, id)).toBe('');
    // The kept Amazon event loses the IP (a FIP match key and the consent's geo); its hashed e-mail stays.
    const kept = JSON.parse(amazonEventOf(h, id));
    expect(kept.matchKeys.map((k: { type: string }) => k.type)).toEqual(['EMAIL']);
    expect(amazonEventOf(h, id)).not.toContain('203.0.113.42');
  } finally {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** An Amazon event with every field the plugin may send, raw identifiers included. */
const SENT = {
  eventDescription: { name: 'Purchase', conversionType: 'OFF_AMAZON_PURCHASES', eventSource: 'WEBSITE' },
  countryCode: 'US',
  eventTime: '2026-12-01T10:00:00.000Z',
  matchKeys: [
    { type: 'EMAIL', values: ['a'.repeat(64)] },
    { type: 'MAID', values: ['f3a9c2e4-7b1d-4e8f-9a6c-5d2b8e1f0a77'] },
    { type: 'FIP', values: ['198.51.100.77'] },
    { type: 'RAMP_ID', values: ['XY1005Ramp'] },
    { type: 'MATCH_ID', values: ['customer-881'] },
  ],
  value: 12.5,
  currencyCode: 'USD',
  unitsSold: 1,
  eventId: 'T-1',
  consent: { geo: { ipAddress: '198.51.100.77' }, amazonConsent: { amznUserData: 'GRANTED' }, tcf: 'CP1' },
  customData: [{ name: 'note', value: 'call Jane on 555 0199' }],
  dataProcessingOptions: { options: 'LIMITED_DATA_USE' },
  deviceInfo: { userAgent: 'Mozilla/5.0 (X11)' },
  amazonAdEventKey: 'click-key',
  arefMeasurementTokens: 'aref-token',
  partner: 'p',
  dataSetId: 'ds-1',
};

test.each([
  [
    'every field the plugin sends',
    JSON.stringify(SENT),
    {
      eventDescription: SENT.eventDescription,
      countryCode: 'US',
      eventTime: SENT.eventTime,
      value: 12.5,
      currencyCode: 'USD',
      unitsSold: 1,
      eventId: 'T-1',
      dataProcessingOptions: SENT.dataProcessingOptions,
      partner: 'p',
      dataSetId: 'ds-1',
      matchKeys: [{ type: 'EMAIL', values: ['a'.repeat(64)] }],
      consent: { amazonConsent: { amznUserData: 'GRANTED' }, tcf: 'CP1' },
    },
  ],
  [
    'a hashed type with a raw value',
    JSON.stringify({ matchKeys: [{ type: 'EMAIL', values: ['j@x.io'] }] }),
    { matchKeys: [] },
  ],
  ['text that is not JSON', '{"eventId": "T-1", "deviceInfo": {"userAgent": "Mozil', {}],
  ['JSON that is not an object', '["198.51.100.77"]', {}],
  ['an own __proto__ key', '{"__proto__": {"x": 1}, "eventId": "T-2"}', { eventId: 'T-2' }],
])('what is kept of a stored Amazon event after retention: %s', (_, stored, kept) => {
  expect(JSON.parse(retainedAmazonEvent(stored))).toEqual(kept);
});
