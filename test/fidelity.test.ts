import { startSandbox } from '../sandbox/index.js';
import { DEMO_ACCOUNT, TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { startHarness, type Harness } from './support/plugin-harness.js';
import { amazonEvent } from './support/amazon-events.js';
import { GppModel } from '@iabgpp/cmpapi';
import { PIPELINE_KEY, startHost, DEMO_LWA_CONFIG } from './support/host-harness.js';
import { errorsAgainst } from './support/amazon-openapi.js';
import { destination, installationFor, seedWith } from './support/transform-harness.js';

/**
 * Where the sandbox decides what the advertiser gets, it must be as strict as Amazon (events-api.md), and the
 * plugin must win there. One test (or table) per finding of the fidelity review, numbered as the review is.
 */

describe('1. consent: a US purchase without a consent flag stays attributable', () => {
  test('through the host, it reaches Amazon without amazonConsent, with its IP, and counts as attributable', async () => {
    const h = await startHost();
    try {
      expect((await h.install()).status).toBe(201);
      const event = {
        event: 'purchase',
        properties: { transaction_id: 'NOFLAG-1', value: 25 },
        traits: { email: 'pat@example.com' },
        context: { locale: 'en-US', ip: '203.0.113.7' },
      };
      expect((await h.ingest('/v1/t', event)).status).toBe(200);
      const sent = await h.waitFor(
        () => h.sandbox.accepted.get('5830921746193:NOFLAG-1')?.event,
        'the event at Amazon',
      );
      expect(sent.consent).toEqual({ geo: { ipAddress: '203.0.113.7' } });
      // 3. currency: the demo profile's, resolved at install.
      expect(sent.currencyCode).toBe('USD');
      expect(h.sandbox.ledger).toMatchObject({ attributable: 1, notAttributable: 0 });
    } finally {
      await h.close();
    }
  });

  test('the sandbox counts DENIED user data and limited data use as not attributable', async () => {
    const sandbox = await startSandbox();
    try {
      const events = [
        amazonEvent(1),
        amazonEvent(2, { consent: { amazonConsent: { amznUserData: 'DENIED', amznAdStorage: 'DENIED' } } }),
        amazonEvent(3, { dataProcessingOptions: { options: 'LIMITED_DATA_USE' } }),
        amazonEvent(4, { consent: { amazonConsent: { amznUserData: 'GRANTED' } } }),
      ];
      const r = await fetch(`${sandbox.url}/adsApi/v1/create/events`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer Atza|IwEBIA...',
          'Amazon-Ads-ClientId': DEMO_ACCOUNT.clientId,
          'Amazon-Ads-AccountId': '5830921746193',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ events }),
      });
      expect(r.status).toBe(207);
      const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { ledger: unknown };
      expect(state.ledger).toEqual({
        attributable: 2,
        notAttributable: 2,
        userDataDenied: 1,
        limitedDataUse: 1,
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe("2. token lifetime: every access token expires, the seed's too", () => {
  test("the seed's well-known token works until --token-ttl after the sandbox started, then 401", async () => {
    let now = Date.now();
    const sandbox = await startSandbox({ tokenTtlSeconds: 60, now: () => now });
    const profiles = () =>
      fetch(`${sandbox.url}/v2/profiles`, {
        headers: {
          authorization: 'Bearer Atza|IwEBIA...',
          'Amazon-Advertising-API-ClientId': DEMO_ACCOUNT.clientId,
        },
      });
    try {
      expect((await profiles()).status).toBe(200);
      now += 59_000;
      expect((await profiles()).status).toBe(200);
      now += 1_000;
      expect((await profiles()).status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });
});

describe('4. value: Amazon takes it on every conversion type', () => {
  test('a lead with a score is delivered with its value', async () => {
    const h = await startHost();
    try {
      await h.install();
      const lead = {
        event: 'generate_lead',
        messageId: 'LEAD-SCORE-1',
        properties: { value: 40 },
        traits: { email: 'lead@example.com' },
        context: { locale: 'en-US', ip: '203.0.113.8' },
      };
      await h.ingest('/v1/t', lead);
      const sent = await h.waitFor(
        () => h.sandbox.accepted.get('5830921746193:LEAD-SCORE-1')?.event,
        'the lead',
      );
      expect(sent).toMatchObject({ value: 40, eventDescription: { conversionType: 'LEAD' } });
      expect(sent).not.toHaveProperty('currencyCode');
    } finally {
      await h.close();
    }
  });
});

describe('7. country: where the person is, before the language of their browser', () => {
  test.each([
    ['an en-GB browser with a US address is in the US', { locale: 'en-GB' }, { country: 'US' }, 'US'],
    ['no address: the locale', { locale: 'en-GB' }, undefined, 'GB'],
  ])('%s', (_label, context, address, country) => {
    const event = seedWith({
      context: { ...context, consent: { canonical: { marketing: true } } },
      traits: { address: address ?? { country: undefined } },
    });
    expect(destination.transform(event, installationFor())).toMatchObject({
      status: 'ok',
      event: { countryCode: country },
    });
  });
});

describe('2. token health: an access token alone warns at install, and its expiry makes the integration wait for a reconnect', () => {
  const expiredPurchase = {
    event: 'purchase',
    properties: { transaction_id: 'EXPIRED-1', value: 5 },
    traits: { email: 'x@example.com' },
    context: { locale: 'en-US' },
  };

  test('"reconnect needed" in the API, the event waits, and adding refresh credentials delivers it', async () => {
    const h = await startHost();
    try {
      const created = await h.install();
      expect(created.status).toBe(201);
      expect(created.body.installation.warnings[0]).toContain('stops by');
      const id = created.body.id as string;

      h.sandbox.expireTokens(true); // the hour is over
      const eventId = (await h.ingest('/v1/t', expiredPurchase)).body.ids[0];
      await h.waitFor(
        async () => (await h.admin(`/v1/admin/integrations/${id}`)).body.needs_reconnect,
        'reconnect needed',
      );
      const waiting = await h.liveEvent(eventId);
      expect(waiting.outcome).toMatchObject({ status: 'queued', code: 'AUTH_FAILED' });
      expect(waiting.outcome.reason).toMatch(/^Reconnect needed: /);

      const reconnect = await h.admin(`/v1/admin/integrations/${id}`, {
        method: 'PATCH',
        body: {
          config: DEMO_LWA_CONFIG,
        },
      });
      expect(reconnect.body).toMatchObject({ needs_reconnect: false, installation: { warnings: [] } });
      await h.waitFor(
        () => h.sandbox.accepted.get('5830921746193:EXPIRED-1'),
        'the event delivered after the reconnect',
      );
    } finally {
      await h.close();
    }
  });

  test('never reconnected: after the last attempt the event is a dead letter that says why', async () => {
    const h = await startHost({ worker: { pollMs: 30, retry: { maxAttempts: 1, baseMs: 30 } } });
    try {
      const id = (await h.install()).body.id as string;
      h.sandbox.expireTokens(true);
      await h.ingest('/v1/t', expiredPurchase);
      const [dead] = await h.waitFor(async () => {
        const { data } = (await h.admin(`/v1/admin/integrations/${id}/dead-letters`)).body;
        return data.length > 0 ? data : undefined;
      }, 'a dead letter');
      expect(dead).toMatchObject({ code: 'AUTH_FAILED' });
      expect(dead.reason).toMatch(/^Reconnect needed: .*Login with Amazon/);
    } finally {
      await h.close();
    }
  });
});

describe('5. customData: INTEGER and TIMESTAMP as well as STRING', () => {
  const install = installationFor('default', {
    custom_events: {
      booking: {
        vendor_event_name: 'Booking',
        conversion_type: 'OTHER',
        mappings: [
          { source: 'properties.nights', target: 'customData.nights' },
          { source: 'properties.check_in', target: 'customData.check_in', data_type: 'TIMESTAMP' },
          { source: 'properties.room', target: 'customData.room', transform: 'custom_data_value' },
          { source: 'properties.code', target: 'customData.code', data_type: 'STRING' },
          { source: 'properties.guests', target: 'customData.guests', data_type: 'INTEGER' },
        ],
      },
    },
  });
  const booking = (properties: Record<string, unknown>) => seedWith({ event: 'booking', properties });

  test('a whole number is INTEGER, a date-time the row marks TIMESTAMP is epoch milliseconds, text is STRING', () => {
    const result = destination.transform(
      booking({ nights: 3, check_in: '2026-03-01T15:00:00Z', room: 'Sea view', code: 7 }),
      install,
    );
    expect(result).toMatchObject({ status: 'ok' });
    const data = result.status === 'ok' ? result.event.customData : undefined;
    expect(data).toEqual([
      { name: 'nights', value: '3', dataType: 'INTEGER' },
      { name: 'check_in', value: String(Date.parse('2026-03-01T15:00:00Z')), dataType: 'TIMESTAMP' },
      { name: 'room', value: 'Sea_view', dataType: 'STRING' },
      { name: 'code', value: '7', dataType: 'STRING' },
    ]);
    expect(result.status === 'ok' && errorsAgainst('EventCreate', result.event)).toEqual([]);
  });

  test.each([
    [
      'a fraction is STRING, not INTEGER',
      { nights: 2.5 },
      { name: 'nights', value: '2.5', dataType: 'STRING' },
    ],
    [
      'beyond 32 bits is STRING',
      { nights: 2 ** 31 },
      { name: 'nights', value: String(2 ** 31), dataType: 'STRING' },
    ],
  ])('%s', (_label, properties, entry) => {
    const result = destination.transform(booking(properties), install);
    // STRING values must still be letters, digits and _ only: a fraction's dot is refused before sending.
    if (entry.value.includes('.'))
      expect(result).toMatchObject({ status: 'invalid', error: { code: 'CUSTOM_DATA_INVALID' } });
    else expect(result).toMatchObject({ status: 'ok', event: { customData: [entry] } });
  });

  test.each([
    ['an INTEGER row given text', { guests: 'two' }],
    ['a TIMESTAMP row given something that is no date', { check_in: 'soon' }],
  ])('%s is invalid with what to fix', (_label, properties) => {
    expect(destination.transform(booking(properties), install)).toMatchObject({
      status: 'invalid',
      error: { code: 'CUSTOM_DATA_INVALID', field: 'customData[0]' },
    });
  });
});

describe('6. limited data use per event: Global Privacy Control and US GPP opt-outs', () => {
  const gpp = (fields: Record<string, number>) => {
    const model = new GppModel();
    for (const [field, value] of Object.entries(fields)) model.setFieldValue('usnat', field, value);
    return model.encode();
  };
  const withContext = (context: Record<string, unknown>) =>
    seedWith({ context: { consent: undefined, ...context } });
  test.each<[string, boolean, Record<string, unknown>]>([
    ['context.gpc true', true, { gpc: true }],
    ['no signal', false, {}],
    [
      'a US GPP string opting out of sale',
      true,
      { consent: { gpp_string: gpp({ SaleOptOutNotice: 1, SaleOptOut: 1 }) } },
    ],
    ['a US GPP string opting out of sharing', true, { consent: { gpp_string: gpp({ SharingOptOut: 1 }) } }],
    [
      'a US GPP string that does not opt out',
      false,
      { consent: { gpp_string: gpp({ SaleOptOut: 2, SharingOptOut: 2 }) } },
    ],
    [
      'a GPP string of an EU TCF section only',
      false,
      { consent: { gpp_string: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' } },
    ],
    ['a GPP string that cannot be read', false, { consent: { gpp_string: 'not-gpp' } }],
  ])('%s → limited data use: %s', (_label, limited, context) => {
    const result = destination.transform(withContext(context), installationFor());
    expect(result.status).toBe('ok');
    const options = result.status === 'ok' ? result.event.dataProcessingOptions : undefined;
    expect(options).toEqual(limited ? { options: 'LIMITED_DATA_USE' } : undefined);
  });

  test('a browser sending Sec-GPC: 1 through ingestion: limited data use, not attributable', async () => {
    const h = await startHost();
    try {
      await h.install();
      const r = await fetch(`${h.host.ingestUrl}/v1/t`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${PIPELINE_KEY}`,
          'content-type': 'application/json',
          'sec-gpc': '1',
        },
        body: JSON.stringify({
          event: 'purchase',
          properties: { transaction_id: 'GPC-1', value: 3 },
          traits: { email: 'g@example.com' },
          context: { locale: 'en-US' },
        }),
      });
      expect(r.status).toBe(200);
      const sent = await h.waitFor(
        () => h.sandbox.accepted.get('5830921746193:GPC-1')?.event,
        'the event at Amazon',
      );
      expect(sent.dataProcessingOptions).toEqual({ options: 'LIMITED_DATA_USE' });
      expect(h.sandbox.ledger).toMatchObject({ attributable: 0, limitedDataUse: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('8. accounts: both advertiser id forms, non-global advertisers, manager accounts, API tokens', () => {
  let p: Harness;
  beforeEach(async () => {
    p = await startHarness();
  });
  afterEach(() => p.close());
  const recent = () => new Date(Date.now() - 60_000).toISOString();
  const purchaseFor = (id: string) => seedWith({ timestamp: recent(), properties: { transaction_id: id } });
  const eventsRequests = () => p.sandbox.requests.filter((r) => r.path.endsWith('/create/events'));
  const send = async (config: Record<string, string>, id: string) => {
    const installation = await p.destination.install({ variant: 'default', config });
    const result = p.destination.transform(purchaseFor(id), installation);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    const report = await p.destination.deliver([{ id: 'x', event: result.event }], installation);
    return { installation, report, result };
  };

  test('the sandbox takes the advertiser account id (amzn1.ads-account.g…) as Amazon-Ads-AccountId too', async () => {
    const body = JSON.stringify({ events: [amazonEvent(1)] });
    const headers = (accountId: string) => ({
      authorization: `Bearer ${TEST_ACCOUNT.staticAccessTokens[0]}`,
      'Amazon-Ads-ClientId': TEST_ACCOUNT.clientId,
      'Amazon-Ads-AccountId': accountId,
      'content-type': 'application/json',
    });
    for (const id of ['4728736040201', 'amzn1.ads-account.g.sandboxtest0001'])
      expect(
        (
          await fetch(`${p.sandbox.url}/adsApi/v1/create/events`, {
            method: 'POST',
            headers: headers(id),
            body,
          })
        ).status,
      ).toBe(207);
  });

  test('a numeric advertiser the global query does not list is installed unverified, with a warning, and delivers', async () => {
    const { installation, report } = await send(
      credentialsOf(TEST_ACCOUNT, 0, { advertiser_id: '6100000000001' }),
      'LOCAL-1',
    );
    expect(installation.advertiser.accountId).toBe('6100000000001');
    expect(installation.verification).toBe('unverified');
    expect(installation.warnings).toContainEqual(expect.stringContaining('installed unverified'));
    expect(report.outcomes).toEqual([{ id: 'x', status: 'delivered' }]);
    expect(p.sandbox.accepted.has('6100000000001:LOCAL-1')).toBe(true);
  });

  test('an advertiser Amazon does not take is still NOT_FOUND', async () => {
    await expect(
      p.destination.install({
        variant: 'default',
        config: credentialsOf(TEST_ACCOUNT, 0, { advertiser_id: '1111111111111' }),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a manager account: events go with Amazon-Ads-Manager-AccountId instead of the advertiser', async () => {
    const config = credentialsOf(TEST_ACCOUNT, 0, { manager_account_id: 'amzn1.ads1.ma1.sandboxtest' });
    const { report } = await send(config, 'MGR-1');
    expect(report.outcomes).toEqual([{ id: 'x', status: 'delivered' }]);
    const sent = eventsRequests().at(-1)!;
    expect(sent.headers['amazon-ads-manager-accountid']).toBe('amzn1.ads1.ma1.sandboxtest');
    expect(sent.headers['amazon-ads-accountid']).toBeUndefined();
    expect(p.sandbox.accepted.has('amzn1.ads1.ma1.sandboxtest:MGR-1')).toBe(true);
  });

  test('a manager account the credentials cannot use is refused at install', async () => {
    const config = credentialsOf(TEST_ACCOUNT, 0, { manager_account_id: 'amzn1.ads1.ma1.someoneelse' });
    await expect(p.destination.install({ variant: 'default', config })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
  });

  // API-token mode names the region and the numeric advertiser id: it looks neither up.
  const API_TOKEN_MODE = { region: 'NA', advertiser_id: '4728736040201' };

  test('an API token bound to a dataset: sent with the token, no Bearer or client id, dataSetId on each event', async () => {
    const config = credentialsOf(TEST_ACCOUNT, 0, {
      manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
      api_token: 'amzn_ads|sandbox-test-api-token',
      data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
      ...API_TOKEN_MODE,
    });
    const { report, result, installation } = await send(config, 'TOKEN-1');
    expect(installation.tokenExpiresBy).toBeUndefined(); // delivery does not depend on the access token
    expect(result.status === 'ok' && result.event.dataSetId).toBe('amzn1.adm.ds1.evnt1.sandboxtest');
    expect(result.status === 'ok' && errorsAgainst('EventCreate', result.event)).toEqual([]);
    expect(report.outcomes).toEqual([{ id: 'x', status: 'delivered' }]);
    const sent = eventsRequests().at(-1)!;
    expect(sent.headers['amazon-advertising-api-token']).toBe('amzn_ads|sandbox-test-api-token');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['amazon-ads-clientid']).toBeUndefined();
    expect(p.logs.join('\n')).not.toContain('sandbox-test-api-token');
  });

  test('with an API token, an access token alone brings no expiry warning: delivery does not use it', async () => {
    const {
      client_id: _i,
      client_secret: _s,
      refresh_token: _r,
      ...accessOnly
    } = credentialsOf(TEST_ACCOUNT, 0, {
      manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
      api_token: 'amzn_ads|sandbox-test-api-token',
      data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
      ...API_TOKEN_MODE,
    });
    const installation = await p.destination.install({ variant: 'default', config: accessOnly });
    expect(installation.tokenExpiresBy).toBeUndefined();
    expect(installation.warnings.join(' ')).not.toContain('stops by');
  });

  const tokenConfig = (extra: Record<string, string>) =>
    credentialsOf(TEST_ACCOUNT, 0, {
      manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
      ...extra,
      ...API_TOKEN_MODE,
    });

  test('an API token Amazon does not know fails the install (AUTH_FAILED)', async () => {
    const config = tokenConfig({
      api_token: 'amzn_ads|revoked',
      data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
    });
    await expect(p.destination.install({ variant: 'default', config })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
  });

  test('another dataset than the token is bound to: installed, and its events rejected on dataSetId', async () => {
    const config = tokenConfig({
      api_token: 'amzn_ads|sandbox-test-api-token',
      data_set_id: 'amzn1.adm.ds1.evnt1.other',
    });
    const { report } = await send(config, 'TOKEN-2');
    expect(report.outcomes[0]).toMatchObject({ status: 'rejected', fieldLocation: 'dataSetId' });
  });

  test('an API token needs its manager account and dataset: the config names what is missing', async () => {
    const config = { ...credentialsOf(TEST_ACCOUNT, 0), api_token: 'amzn_ads|sandbox-test-api-token' };
    await expect(p.destination.install({ variant: 'default', config })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      fields: expect.arrayContaining([
        expect.objectContaining({ field: 'config.manager_account_id' }),
        expect.objectContaining({ field: 'config.data_set_id' }),
      ]),
    });
  });
});
