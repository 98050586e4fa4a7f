import { startHarness, type Harness } from './support/plugin-harness.js';
import { seedWith } from './support/transform-harness.js';
import type { PluginError } from '../plugin/errors.js';

/**
 * API-token mode (Amazon's tag: "Persistent Service Token bound to a specific dataset. Does not require a client
 * ID or bearer token. Supports Manager Account only."): a config of an API token, its dataset, its manager
 * account, a numeric advertiser id and a region installs without Login with Amazon or any lookup, and its
 * events carry dataSetId without dataSetName. Played against the real sandbox.
 */
let h: Harness;
afterEach(() => h.close());

const TOKEN_CONFIG = {
  advertiser_id: '4728736040201',
  manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
  api_token: 'amzn_ads|sandbox-test-api-token',
  data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
  region: 'NA',
};
const PURCHASE = seedWith({ properties: { transaction_id: 'TOKEN-MODE-1' }, timestamp: undefined });

async function installError(config: Record<string, unknown>): Promise<PluginError> {
  try {
    await h.destination.install({ variant: 'default', config });
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('install succeeded but was expected to fail');
}

describe('API-token mode installs without Login with Amazon', () => {
  test.each([
    ['with a platform client id on the host', {}],
    ['on a host with no client id at all', { platformClientId: undefined }],
  ])(
    '%s: one request, the empty events check with the token; no token, profile or account lookup',
    async (_l, settings) => {
      h = await startHarness({ settings });
      const installation = await h.destination.install({ variant: 'default', config: TOKEN_CONFIG });
      expect(installation).toMatchObject({
        region: 'NA',
        advertiser: { configured: '4728736040201', accountId: '4728736040201' },
        // The advertiser id is never sent with an API token: nothing can confirm it.
        verification: 'unverified',
        warnings: [expect.stringContaining('API-token mode cannot check advertiser 4728736040201')],
      });
      expect(installation.tokenExpiresBy).toBeUndefined();
      expect(h.sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /na/adsApi/v1/create/events',
      ]);
      const [check] = h.sandbox.requests;
      expect(check!.headers['amazon-advertising-api-token']).toBe('amzn_ads|sandbox-test-api-token');
      expect(check!.headers['amazon-ads-manager-accountid']).toBe('amzn1.ads1.ma1.sandboxtest');
      expect(check!.headers.authorization).toBeUndefined();
      expect(check!.headers['amazon-ads-clientid']).toBeUndefined();
    },
  );

  test('its events carry dataSetId and never dataSetName, and are delivered with the token alone', async () => {
    h = await startHarness();
    const config = { ...TOKEN_CONFIG, data_set_name: 'Web_Orders' };
    const installation = await h.destination.install({ variant: 'default', config });
    const result = h.destination.transform(
      seedWith({ timestamp: new Date().toISOString() }, PURCHASE),
      installation,
    );
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.event.dataSetId).toBe('amzn1.adm.ds1.evnt1.sandboxtest');
    expect(result.event.eventDescription).not.toHaveProperty('dataSetName');
    const report = await h.destination.deliver([{ id: 'a', event: result.event }], installation);
    expect(report.outcomes).toEqual([{ id: 'a', status: 'delivered' }]);
    const sent = h.sandbox.requests.at(-1)!;
    expect(JSON.parse(sent.body).events[0]).not.toHaveProperty('eventDescription.dataSetName');
    expect(sent.headers.authorization).toBeUndefined();
  });

  test('a token Amazon does not know fails the install with AUTH_FAILED, still without any lookup', async () => {
    h = await startHarness();
    const error = await installError({ ...TOKEN_CONFIG, api_token: 'amzn_ads|revoked' });
    expect(error.code).toBe('AUTH_FAILED');
    expect(h.sandbox.requests.every((r) => r.path.endsWith('/adsApi/v1/create/events'))).toBe(true);
  });

  test.each<[string, Record<string, unknown>, Array<{ field: string; message: string }>]>([
    ['without a region', { region: undefined }, [{ field: 'config.region', message: 'is required' }]],
    [
      'with an ENTITY advertiser id, which only a lookup could turn into a numeric one',
      { advertiser_id: 'ENTITY1234ABCD' },
      [
        {
          field: 'config.advertiser_id',
          message:
            'must be the numeric DSP advertiser id with an api_token (API-token mode looks nothing up, so an ENTITY id cannot be turned into one)',
        },
      ],
    ],
    [
      'without its manager account (Amazon\'s tag: "Missing Manager Account ID")',
      { manager_account_id: undefined },
      [{ field: 'config.manager_account_id', message: 'is required when api_token is set' }],
    ],
  ])('%s: CONFIG_INVALID naming the field, no request made', async (_label, change, fields) => {
    h = await startHarness();
    const config: Record<string, unknown> = { ...TOKEN_CONFIG, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete config[k];
    const error = await installError(config);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', fields });
    expect(h.sandbox.requests).toEqual([]);
  });
});
