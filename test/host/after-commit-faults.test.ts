import type { LiveHub } from '../../host/pipeline/live-hub.js';
import { captureLogger } from '../support/capture-logger.js';
import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * What runs after a commit cannot undo it: with the Live Events push failing on every call (a scripted fault),
 * ingestion still answers 200 for what it stored, and the delivery worker stores each outcome, and counts it,
 * once, and keeps delivering.
 */
let h: HostHarness;
const capture = captureLogger();
beforeAll(async () => {
  h = await startHost({ logger: capture.logger });
});
afterAll(() => h.close());

test('a failing Live Events push: ingestion answers 200, every event delivered once and counted once', async () => {
  const id = (await h.install()).body.id as string;
  const stream = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const hub = (h.host as unknown as { live: LiveHub }).live;
  hub.publish = () => {
    throw new TypeError('the push failed');
  };

  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await h.ingest('/v1/t', purchase(`AFTER-${i}`));
    expect(r.status).toBe(200);
    ids.push(r.body.ids[0]);
  }
  for (const eventId of ids) await h.waitForOutcome(eventId, 'delivered');
  await h.waitFor(
    async () =>
      (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body.totals.delivered === 5 || undefined,
    'five delivered counted',
  );
  // A second look: nothing settled, or counted, twice.
  expect(h.host.accounting().deliveries).toEqual({ delivered: 5 });
  expect((await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body.totals.delivered).toBe(5);
  expect([...h.sandbox.accepted.keys()].filter((k) => k.includes('AFTER-'))).toHaveLength(5);

  const logged = capture.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logged.filter((l) => l.event === 'intake_after_commit')).toHaveLength(5);
  expect(logged.filter((l) => l.event === 'worker_sink_error').length).toBeGreaterThanOrEqual(1);
  expect(capture.lines.join('\n')).not.toContain('the push failed');
  await stream.body!.cancel();
});
