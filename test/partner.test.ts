import { hostSettingsFromEnv } from '../plugin/host-settings.js';
import { startHarness } from './support/plugin-harness.js';
import { seedWith } from './support/transform-harness.js';
import { credentialsOf, TEST_ACCOUNT } from '../sandbox/accounts.js';

/**
 * Amazon's `partner`: "the name of the third-party service used to deliver the conversions" (SPEC EventCreate).
 * Every event names the host that delivers it: Datafly Signal unless the host says otherwise.
 */
describe('the partner name comes from the host', () => {
  test.each<[string, Record<string, string>, string]>([
    ['by default', {}, 'Datafly Signal'],
    ['AMAZON_PARTNER_NAME set', { AMAZON_PARTNER_NAME: 'Acme CDP' }, 'Acme CDP'],
    ['AMAZON_PARTNER_NAME blank', { AMAZON_PARTNER_NAME: '  ' }, 'Datafly Signal'],
    [
      'AMAZON_PARTNER_NAME over 100 characters: cut',
      { AMAZON_PARTNER_NAME: 'x'.repeat(150) },
      'x'.repeat(100),
    ],
  ])('%s → %s', (_label, env, name) => {
    expect(hostSettingsFromEnv(env).partnerName).toBe(name);
  });

  test.each([
    ['a host that names none', undefined, 'Datafly Signal'],
    ['a host named Acme CDP', 'Acme CDP', 'Acme CDP'],
  ])(
    '%s: every event carries it, and Amazon (the sandbox, by its OpenAPI) takes it',
    async (_l, partnerName, sent) => {
      const h = await startHarness({ settings: partnerName ? { partnerName } : {} });
      try {
        const installation = await h.destination.install({
          variant: 'default',
          config: credentialsOf(TEST_ACCOUNT),
        });
        const events = ['purchase', 'add_to_cart', 'page'].map((name, i) =>
          seedWith({
            type: name === 'page' ? 'page' : 'track',
            event: name,
            timestamp: new Date().toISOString(),
            properties: { transaction_id: `P-${i}` },
          }),
        );
        const results = events.map((e) => h.destination.transform(e, installation));
        const amazon = results.map((r) => {
          if (r.status !== 'ok') throw new Error(JSON.stringify(r));
          return r.event;
        });
        expect(amazon.map((e) => e.partner)).toEqual([sent, sent, sent]);
        const report = await h.destination.deliver(
          amazon.map((event, i) => ({ id: String(i), event })),
          installation,
        );
        expect(report.outcomes.map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
        const body = JSON.parse(h.sandbox.requests.at(-1)!.body) as { events: Array<{ partner?: string }> };
        expect(body.events.map((e) => e.partner)).toEqual([sent, sent, sent]);
      } finally {
        await h.close();
      }
    },
  );
});
