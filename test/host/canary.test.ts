import { Writable } from 'node:stream';
import { createLogger } from '../../plugin/index.js';
import { redactForView, REDACTED } from '../../host/pipeline/view-redaction.js';
import { startHost, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * Canary values in every field that can hold personal data, sent through ingestion: not one may be read back
 * from any admin answer, the live stream or the logs.
 */
const CANARIES = {
  email: 'canary.person@example.org',
  phone: '+1 415 555 0199',
  digits: '4155550188',
  name: 'Canaryfirst',
  last: 'Canarylast',
  street: '77 Canary Row',
  city: 'Canaryville',
  postal: '94999',
  birth: '1970-07-07',
  maid: 'CANARY-AD-ID-0001',
  ramp: 'CANARYRAMPID42',
  ip: '198.51.100.77',
  ua: 'CanaryAgent/9.9',
};
const event = {
  event: 'purchase',
  properties: {
    transaction_id: 'CANARY-ORDER-1',
    value: 12.5,
    currency: 'USD',
    phone_number: CANARIES.phone,
    user_data: { phone_number: CANARIES.digits, email_address: CANARIES.email },
    note: `call me at ${CANARIES.phone} or ${CANARIES.email}`,
  },
  traits: {
    email: CANARIES.email,
    name: `${CANARIES.name} ${CANARIES.last}`,
    first_name: CANARIES.name,
    lastName: CANARIES.last,
    Mobile: CANARIES.phone,
    'date-of-birth': CANARIES.birth,
    dateOfBirth: CANARIES.birth,
    address: { street: CANARIES.street, city: CANARIES.city, postal_code: CANARIES.postal, country: 'US' },
  },
  context: {
    locale: 'en-US',
    ip: CANARIES.ip,
    userAgent: CANARIES.ua,
    device: { advertising_id: CANARIES.maid, type: 'ios' },
    vendor_ids: { ramp_id: CANARIES.ramp },
    page: {
      url: `https://shop.example/thanks?tel=${CANARIES.digits}&email=${CANARIES.email}`,
      title: 'Thanks',
    },
    consent: { canonical: { marketing: true } },
  },
};
const leaks = (text: string) => Object.values(CANARIES).filter((c) => text.includes(c));

let h: HostHarness;
let logs: string[];
beforeEach(async () => {
  logs = [];
  h = await startHost({
    logger: createLogger({
      level: 'debug',
      stream: new Writable({
        write: (chunk, _e, done) => {
          logs.push(chunk.toString());
          done();
        },
      }),
    }),
  });
});
afterEach(() => h.close());

test('no canary in any admin answer, the live stream or the logs', async () => {
  const { body: created } = await h.install();
  const stream = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream?token=${ADMIN_TOKEN}`);
  const reader = stream.body!.getReader();
  let streamed = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      streamed += new TextDecoder().decode(value);
    }
  })();
  const id = (await h.ingest('/v1/t', event)).body.ids[0];
  await h.waitForOutcome(id, 'delivered');
  await h.waitFor(() => streamed.includes('"delivered"') || undefined, 'the delivered entry on the stream');
  await reader.cancel();
  await reading.catch(() => undefined);

  const answers = await Promise.all(
    [
      '/v1/admin/live-events',
      `/v1/admin/integrations/${created.id}`,
      '/v1/admin/integrations',
      `/v1/admin/integrations/${created.id}/delivery-log`,
      `/v1/admin/integrations/${created.id}/dead-letters`,
      '/v1/admin/stats',
    ].map(async (path) => JSON.stringify((await h.admin(path)).body)),
  );
  for (const text of [...answers, streamed, logs.join('')]) expect(leaks(text)).toEqual([]);
  // And what is shown is still useful: what the event is, its order, its amount.
  const entry = (await h.admin('/v1/admin/live-events')).body.data.find(
    (e: { event_id: string }) => e.event_id === id,
  );
  expect(entry.input).toMatchObject({
    event: 'purchase',
    properties: { transaction_id: 'CANARY-ORDER-1', value: 12.5, currency: 'USD' },
  });
  expect(entry.input.context.page.url).toBe('https://shop.example/thanks?tel=[PHONE]&email=[EMAIL]');
});

test.each([
  [
    'a key that names personal data in any case or separator style',
    { traits: { Phone_Number: '5551234567', 'E-Mail': 'x' } },
  ],
  ['a key the allowlist does not know', { properties: { favourite_colour: 'blue' } }],
  [
    'a match key source of the blueprint, even where the allowlist shows it',
    { properties: { transaction_id: 'T-9' } },
  ],
])('hidden: %s', (_label, input) => {
  const shown = JSON.stringify(redactForView(input, ['properties.transaction_id']));
  for (const value of ['5551234567', 'blue', 'T-9']) expect(shown).not.toContain(value);
  expect(shown).toContain(REDACTED);
});
