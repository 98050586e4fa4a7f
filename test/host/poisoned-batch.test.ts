import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * One bad event must not sink the batch: Amazon refusing a whole request for what two of its events hold (the
 * sandbox's poisoned ids) ends with those two rejected, with Amazon's words, and every other event delivered;
 * none dead-lettered, so a replay does not meet them again.
 */
let h: HostHarness;
afterEach(() => h.close());

test('20 events with 2 poisoned through the host: 18 delivered, 2 rejected with Amazon’s message, none dead', async () => {
  h = await startHost();
  const created = await h.install();
  await fetch(`${h.sandbox.url}/__sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ poison_event_ids: ['P-4', 'P-13'] }),
  });
  const sent = await h.ingest('/v1/batch', {
    batch: Array.from({ length: 20 }, (_, i) => ({ ...purchase(`P-${i}`), type: 'track' })),
  });
  expect(sent.status).toBe(200);
  const ids: string[] = sent.body.ids;
  for (const i of [4, 13]) {
    const entry = await h.waitForOutcome(ids[i]!, 'rejected');
    expect(entry.outcome).toMatchObject({
      code: 'BAD_REQUEST',
      reason: `1 validation error detected: Value 'P-${i}' at 'events.1.member.eventId' failed to satisfy constraint: Member must be an event this advertiser can accept`,
    });
  }
  for (const [i, id] of ids.entries()) if (i !== 4 && i !== 13) await h.waitForOutcome(id, 'delivered');
  expect(h.sandbox.accepted.size).toBe(18);
  expect(h.sandbox.duplicates).toBe(0);
  expect((await h.admin(`/v1/admin/integrations/${created.body.id}/dead-letters`)).body.data).toEqual([]);

  // The host's figures and Amazon's stand-in agree: each poisoned event, refused alone, is one rejection.
  const metrics = await (
    await fetch(`${h.host.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  ).text();
  expect(metrics).toContain('amazon_dsp_events_total{outcome="rejected",code="BAD_REQUEST"} 2\n');
  expect(metrics).not.toMatch(/outcome="rejected",code="(?!BAD_REQUEST)/);
  const state = (await (await fetch(`${h.sandbox.url}/__sandbox/state`)).json()) as {
    counters: { eventsRejected: number; eventsAccepted: number };
  };
  expect(state.counters).toMatchObject({ eventsRejected: 2, eventsAccepted: 18 });
});
