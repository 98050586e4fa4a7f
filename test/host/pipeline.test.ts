import { startHost, purchase, type HostHarness } from '../support/host-harness.js';

let h: HostHarness;
let integrationId: string;
beforeEach(async () => {
  h = await startHost();
  integrationId = (await h.install()).body.id;
});
afterEach(() => h.close());

const settled = (eventId: string, status: string) => async () => {
  const entry = await h.liveEvent(eventId);
  return entry?.outcome.status === status ? entry : undefined;
};

describe('ingestion', () => {
  test.each<[string, string, unknown, string | null, number, string]>([
    ['no pipeline key', '/v1/t', purchase('A'), null, 401, 'unauthorized'],
    ['a wrong pipeline key', '/v1/t', purchase('A'), 'nope', 401, 'unauthorized'],
    ['a body that is not JSON', '/v1/t', '{"event":', 'test-pipeline-key', 400, 'invalid_json'],
    [
      'a track event without a name',
      '/v1/t',
      { properties: {} },
      'test-pipeline-key',
      400,
      'event: is required',
    ],
    [
      'properties that are not an object',
      '/v1/t',
      { event: 'purchase', properties: [1] },
      'test-pipeline-key',
      400,
      'properties: must be an object',
    ],
    [
      'a page event sent to the track endpoint',
      '/v1/t',
      { type: 'page', event: 'x' },
      'test-pipeline-key',
      400,
      'type: must be track',
    ],
    ['an empty batch', '/v1/batch', { batch: [] }, 'test-pipeline-key', 400, 'batch'],
    [
      'a batch with one bad event',
      '/v1/batch',
      { batch: [purchase('A'), { type: 'track' }] },
      'test-pipeline-key',
      400,
      'batch[1].event',
    ],
    [
      'a body over 512 KB',
      '/v1/t',
      { event: 'purchase', properties: { blob: 'x'.repeat(600_000) } },
      'test-pipeline-key',
      413,
      'payload_too_large',
    ],
  ])('%s is refused and nothing is stored', async (_l, path, body, token, status, message) => {
    const r = await h.ingest(path, body, token);
    expect(r.status).toBe(status);
    expect(JSON.stringify(r.body.error)).toContain(message);
    expect((await h.admin('/v1/admin/stats')).body.events).toBe(0);
  });

  test('track, page and batch are accepted and stored before the 200', async () => {
    const t = await h.ingest('/v1/t', purchase('T-1'));
    const p = await h.ingest('/v1/p', {
      name: 'Home',
      context: { locale: 'en-US', ip: '203.0.113.9', consent: { canonical: { marketing: true } } },
    });
    const b = await h.ingest('/v1/batch', { batch: [purchase('T-2'), { type: 'page', name: 'Cart' }] });
    expect([t.status, p.status, b.status]).toEqual([200, 200, 200]);
    expect([t.body.accepted, p.body.accepted, b.body.accepted]).toEqual([1, 1, 2]);
    expect((await h.admin('/v1/admin/stats')).body.events).toBe(4);
  });
});

describe('before any integration is installed', () => {
  test('an accepted event shows in Live Events with the outcome "no integration installed"', async () => {
    const bare = await startHost();
    try {
      const id = (await bare.ingest('/v1/t', purchase('EARLY-1'))).body.ids[0];
      const { data } = (await bare.admin('/v1/admin/live-events')).body;
      expect(data).toEqual([
        expect.objectContaining({
          event_id: id,
          integration_id: null,
          outcome: {
            status: 'filtered',
            attempts: 0,
            code: 'NO_INTEGRATION',
            reason: 'no integration installed',
          },
        }),
      ]);
      expect(data[0].input.traits.email).toBe('[REDACTED]');
      // Installed afterwards, the integration does not receive it: Signal routes an event when it arrives. An
      // event sent after the install is delivered, and by then the early one would have been too.
      await bare.install();
      const later = (await bare.ingest('/v1/t', purchase('LATER-1'))).body.ids[0];
      await bare.waitForOutcome(later, 'delivered');
      expect([...bare.sandbox.accepted.keys()]).toEqual(['5830921746193:LATER-1']);
      expect(bare.sandbox.counters.eventRequests).toBe(1);
    } finally {
      await bare.close();
    }
  });
});

describe('delivery through the host', () => {
  test('a purchase reaches the sandbox and shows in Live Events and the Delivery Log with 207 and 1 delivered', async () => {
    const { body } = await h.ingest('/v1/t', purchase('T-1001'));
    const eventId = body.ids[0];
    const entry = await h.waitFor(settled(eventId, 'delivered'), 'delivery');
    expect(entry.amazon_payload.eventId).toBe('T-1001');
    expect(entry.input.traits.email).toBe('[REDACTED]');
    expect(h.sandbox.accepted.has('5830921746193:T-1001')).toBe(true);
    const log = (await h.admin(`/v1/admin/integrations/${integrationId}/delivery-log`)).body.data;
    expect(log[0]).toMatchObject({ http_status: 207, events: 1, delivered: 1, rejected: 0, retried: 0 });
    expect(
      (await h.admin(`/v1/admin/integrations/${integrationId}/delivery-log?status=207`)).body.data,
    ).toHaveLength(1);
    expect(
      (await h.admin(`/v1/admin/integrations/${integrationId}/delivery-log?status=500`)).body.data,
    ).toHaveLength(0);
  });

  test('disabled → the event is filtered as "integration disabled"; enabled again → delivered', async () => {
    await h.admin(`/v1/admin/integrations/${integrationId}`, { method: 'PATCH', body: { enabled: false } });
    const off = (await h.ingest('/v1/t', purchase('OFF-1'))).body.ids[0];
    const filtered = await h.waitFor(settled(off, 'filtered'), 'filtered');
    expect(filtered.outcome).toMatchObject({ code: 'INTEGRATION_DISABLED', reason: 'integration disabled' });
    await h.admin(`/v1/admin/integrations/${integrationId}`, { method: 'PATCH', body: { enabled: true } });
    const on = (await h.ingest('/v1/t', purchase('ON-1'))).body.ids[0];
    await h.waitFor(settled(on, 'delivered'), 'delivered');
    expect(h.sandbox.accepted.has('5830921746193:OFF-1')).toBe(false);
  });

  test('events the plugin filters or finds invalid are recorded with their reason, never sent', async () => {
    const unmapped = (await h.ingest('/v1/t', { ...purchase('X'), event: 'newsletter_opened' })).body.ids[0];
    const broken = (
      await h.ingest('/v1/t', { ...purchase('Y'), properties: { value: 'lots', currency: 'USD' } })
    ).body.ids[0];
    expect((await h.waitFor(settled(unmapped, 'filtered'), 'filtered')).outcome.code).toBe(
      'EVENT_NOT_MAPPED',
    );
    expect((await h.waitFor(settled(broken, 'invalid'), 'invalid')).outcome.code).toBe('VALUE_INVALID');
  });

  test('Amazon failing every time: retried on schedule, then dead-lettered; replay delivers it', async () => {
    h.sandbox.faults.add({ route: 'events', status: 503, times: 1000 });
    const eventId = (await h.ingest('/v1/t', purchase('DLQ-1'))).body.ids[0];
    const dead = await h.waitFor(settled(eventId, 'dead'), 'dead letter');
    expect(dead.outcome.attempts).toBe(3);
    const letters = (await h.admin(`/v1/admin/integrations/${integrationId}/dead-letters`)).body.data;
    expect(letters).toEqual([
      expect.objectContaining({ event_id: eventId, code: 'AMAZON_UNAVAILABLE', attempts: 3 }),
    ]);
    expect(letters[0].reason).toContain('gave up after 3 attempts');
    h.sandbox.faults.clear();
    const replay = await h.admin(`/v1/admin/integrations/${integrationId}/dead-letters/replay`, {
      method: 'POST',
      body: {},
    });
    expect(replay.body.replayed).toBe(1);
    await h.waitFor(settled(eventId, 'delivered'), 'delivered after replay');
    expect(h.sandbox.accepted.has('5830921746193:DLQ-1')).toBe(true);
    expect((await h.admin(`/v1/admin/integrations/${integrationId}/dead-letters`)).body.data).toEqual([]);
  });

  test('the live stream pushes each stage as it happens', async () => {
    const controller = new AbortController();
    const response = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream`, {
      headers: { authorization: 'Bearer YOUR_TOKEN' },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await h.ingest('/v1/t', purchase('S-1'));
    let text = '';
    while (!text.includes('"status":"delivered"'))
      text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: event');
    expect(text).toContain('"status":"queued"');
    controller.abort();
  });
});
