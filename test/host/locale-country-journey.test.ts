import { startHost, type HostHarness } from '../support/host-harness.js';
import { credentialsOf, TEST_ACCOUNT } from '../../sandbox/accounts.js';

/**
 * A German store on Amazon's EU host, through the reference host: a browser that says only its language
 * (`sv`, `uk`, …) names no country, so its event is the store's (DE) and needs consent like any German one.
 */
let h: HostHarness;
afterEach(() => h.close());

const event = (id: string, locale: string, consent: unknown) => ({
  event: 'purchase',
  anonymousId: `anon-${id}`,
  properties: { transaction_id: id, value: 20, currency: 'EUR' },
  traits: { email: `${id}@example.com`, phone: '0151 23456789' },
  context: { locale, ip: '81.2.69.142', ...(consent ? { consent } : {}) },
});

test('a DE store: a bare language is no country, for consent and for the country sent', async () => {
  h = await startHost();
  const created = await h.install({
    name: 'Amazon DSP Events',
    variant: 'default',
    config: credentialsOf(TEST_ACCOUNT, 1), // the DE profile, EU region
    delivery_mode: 'server_side',
  });
  expect(created.status).toBe(201);
  expect(created.body.installation).toMatchObject({ region: 'EU', profile: { countryCode: 'DE' } });
  const granted = { canonical: { marketing: true } };
  const ids: Record<string, string> = {};
  for (const [id, locale, consent] of [
    ['SV-NONE', 'sv', undefined],
    ['UK-NONE', 'uk', undefined],
    ['CA-NONE', 'ca', undefined],
    ['SV-YES', 'sv', granted],
    ['BE-YES', 'be', granted],
    ['SE-YES', 'sv-SE', granted],
  ] as const) {
    const r = await h.ingest('/v1/t', event(id, locale, consent));
    expect(r.status).toBe(200);
    ids[id] = r.body.ids[0];
  }
  for (const id of ['SV-NONE', 'UK-NONE', 'CA-NONE']) {
    const filtered = await h.waitForOutcome(ids[id]!, 'filtered');
    expect(filtered.outcome.code).toBe('CONSENT_MISSING');
  }
  for (const id of ['SV-YES', 'BE-YES', 'SE-YES']) await h.waitForOutcome(ids[id]!, 'delivered');
  const sent = new Map(
    [...h.sandbox.accepted.values()].map((a) => [a.eventId, a.event as Record<string, unknown>]),
  );
  expect(sent.size).toBe(3);
  expect(sent.get('SV-YES')?.countryCode).toBe('DE');
  expect(sent.get('BE-YES')?.countryCode).toBe('DE');
  expect(sent.get('SE-YES')?.countryCode).toBe('SE');
});
