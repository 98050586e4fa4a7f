import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { DEMO_ACCOUNT, TEST_ACCOUNT } from '../sandbox/accounts.js';
import { amazonEvent } from './support/amazon-events.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ maxBodyBytes: 50_000 });
});
afterEach(() => sandbox.close());

const hash = 'a'.repeat(64);
const goodEvent = (over: Record<string, unknown> = {}) =>
  amazonEvent(Math.floor(Math.random() * 1e9), { value: 10.5, ...over });
const eventHeaders = {
  authorization: 'Bearer Atza|IwEBIA...',
  'Amazon-Ads-ClientId': DEMO_ACCOUNT.clientId,
  'Amazon-Ads-AccountId': '5830921746193',
  'content-type': 'application/json',
};
const postEvents = (body: unknown, headers: Record<string, string> = eventHeaders, prefix = '') =>
  fetch(`${sandbox.url}${prefix}/adsApi/v1/create/events`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${sandbox.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
const refreshForm = {
  grant_type: 'refresh_token',
  refresh_token: TEST_ACCOUNT.refreshToken,
  client_id: TEST_ACCOUNT.clientId,
  client_secret: TEST_ACCOUNT.clientSecret,
};

describe('sandbox: Login with Amazon', () => {
  test('issues a bearer token that expires in expires_in and works on the Ads API', async () => {
    const r = await token(refreshForm);
    const body = (await r.json()) as any;
    expect(r.status).toBe(200);
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: TEST_ACCOUNT.refreshToken,
    });
    const profiles = await fetch(`${sandbox.url}/v2/profiles`, {
      headers: {
        authorization: `Bearer ${body.access_token}`,
        'Amazon-Advertising-API-ClientId': TEST_ACCOUNT.clientId,
      },
    });
    expect(profiles.status).toBe(200);
    sandbox.expireTokens();
    const after = await fetch(`${sandbox.url}/v2/profiles`, {
      headers: {
        authorization: `Bearer ${body.access_token}`,
        'Amazon-Advertising-API-ClientId': TEST_ACCOUNT.clientId,
      },
    });
    expect(after.status).toBe(401);
  });

  test.each<[string, Record<string, string>, Record<string, string>, number, string]>([
    [
      'an Authorization header is refused',
      refreshForm,
      { authorization: 'Basic abc' },
      400,
      'invalid_request',
    ],
    [
      'a wrong client secret is invalid_client',
      { ...refreshForm, client_secret: 'nope' },
      {},
      401,
      'invalid_client',
    ],
    [
      'an unknown refresh token is invalid_grant',
      { ...refreshForm, refresh_token: 'Atzr|nope' },
      {},
      400,
      'invalid_grant',
    ],
    [
      'another grant type is unsupported',
      { ...refreshForm, grant_type: 'password' },
      {},
      400,
      'unsupported_grant_type',
    ],
  ])('%s', async (_l, form, headers, status, error) => {
    const r = await token(form, headers);
    expect(r.status).toBe(status);
    expect(((await r.json()) as any).error).toBe(error);
  });
});

describe('sandbox: profiles and advertiser accounts', () => {
  test('profiles are region specific and ids beyond 2^53 are written digit for digit', async () => {
    const get = (prefix: string) =>
      fetch(`${sandbox.url}${prefix}/v2/profiles`, {
        headers: {
          authorization: 'Bearer Atza|sandbox-test-static-token',
          'Amazon-Advertising-API-ClientId': TEST_ACCOUNT.clientId,
        },
      });
    const eu = await (await get('/eu')).text();
    expect(eu).toContain('"profileId":3874020091928374651');
    expect(
      JSON.parse(await (await get('/na')).text()).map((p: { countryCode: string }) => p.countryCode),
    ).toEqual(['US']);
    expect(JSON.parse(await (await get('')).text())).toHaveLength(3);
  });

  test('a profiles call without a client id header is a 400', async () => {
    const r = await fetch(`${sandbox.url}/v2/profiles`, {
      headers: { authorization: 'Bearer Atza|IwEBIA...' },
    });
    expect(r.status).toBe(400);
  });

  test('advertiser accounts page with maxResults and nextToken, and validate the body', async () => {
    const query = (body: unknown) =>
      fetch(`${sandbox.url}/adsApi/v1/query/advertiserAccounts`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer Atza|IwEBIA...',
          'Amazon-Ads-ClientId': DEMO_ACCOUNT.clientId,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const ok = (await (
      await query({ isGlobalAccountFilter: { include: [true] }, maxResults: 10 })
    ).json()) as any;
    expect(ok.advertiserAccounts[0].alternateIds[0]).toMatchObject({
      entityId: 'ENTITY1234ABCD',
      dspAdvertiserId: '5830921746193',
      region: 'NA',
    });
    expect((await query({ maxResults: 5 })).status).toBe(400);
  });
});

describe('sandbox: create events', () => {
  test('answers 207 with success and error by 0-based index and records accepted events', async () => {
    const events = [
      goodEvent({ eventId: 'a' }),
      goodEvent({ eventTime: 'not-a-date' }),
      goodEvent({ eventId: 'c' }),
    ];
    const r = await postEvents({ events });
    const body = (await r.json()) as any;
    expect(r.status).toBe(207);
    expect(body.success.map((s: { index: number }) => s.index)).toEqual([0, 2]);
    expect(body.error).toEqual([
      { index: 1, errors: [expect.objectContaining({ fieldLocation: 'events[1].eventTime' })] },
    ]);
    expect(sandbox.accepted.has('5830921746193:a')).toBe(true);
    expect(r.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      'an unhashed email',
      { matchKeys: [{ type: 'EMAIL', values: ['jane@example.com'] }] },
      'events[0].matchKeys[0].values[0]',
    ],
    [
      '16 match keys',
      { matchKeys: Array.from({ length: 16 }, () => ({ type: 'EMAIL', values: [hash] })) },
      'events[0].matchKeys',
    ],
    [
      'an event older than 21 days',
      { eventTime: new Date(Date.now() - 22 * 86400_000).toISOString() },
      'events[0].eventTime',
    ],
    ['a value with 3 decimals', { value: 1.005 }, 'events[0].value'],
    ['a negative purchase value', { value: -1 }, 'events[0].value'],
    [
      'custom data with a dot',
      { customData: [{ name: 'price', value: '49.99' }] },
      'events[0].customData[0]',
    ],
    [
      'an unknown conversion type',
      {
        eventDescription: {
          name: 'x',
          conversionType: 'BUY',
          eventSource: 'WEBSITE',
          eventIngestionMethod: 'SERVER_TO_SERVER',
        },
      },
      'events[0].eventDescription.conversionType',
    ],
  ])('rejects %s in the 207 error list', async (_l, over, location) => {
    const body = (await (await postEvents({ events: [goodEvent(over)] })).json()) as any;
    expect(body.success).toEqual([]);
    expect(body.error[0].errors.map((e: { fieldLocation: string }) => e.fieldLocation)).toContain(location);
  });

  test.each<[string, () => Promise<Response>, number]>([
    [
      'no bearer token',
      () => postEvents({ events: [goodEvent()] }, { ...eventHeaders, authorization: '' }),
      401,
    ],
    [
      'no client id header',
      () => postEvents({ events: [goodEvent()] }, { ...eventHeaders, 'Amazon-Ads-ClientId': '' }),
      400,
    ],
    [
      'no account id header',
      () => postEvents({ events: [goodEvent()] }, { ...eventHeaders, 'Amazon-Ads-AccountId': '' }),
      400,
    ],
    [
      'an advertiser of another account',
      () =>
        postEvents({ events: [goodEvent()] }, { ...eventHeaders, 'Amazon-Ads-AccountId': '4728736040201' }),
      403,
    ],
    ['a body that is not JSON', () => postEvents('{nope'), 400],
    ['an empty events list', () => postEvents({ events: [] }), 400],
    ['501 events', () => postEvents({ events: Array.from({ length: 501 }, () => ({})) }), 400],
    [
      'an extra top-level field',
      () => postEvents({ events: [goodEvent()], ingestionMethod: 'SERVER_TO_SERVER' }),
      400,
    ],
    [
      'a body over the byte cap',
      () => postEvents({ events: Array.from({ length: 200 }, () => goodEvent()) }),
      413,
    ],
  ])('whole-request answer for %s', async (_l, send, status) => {
    expect((await send()).status).toBe(status);
  });

  test('scripted faults answer in order, with Retry-After, then normal service resumes', async () => {
    sandbox.faults.add({ route: 'events', status: 429, retryAfter: '2' });
    sandbox.faults.add({ route: 'events', status: 503 });
    const first = await postEvents({ events: [goodEvent()] });
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2']);
    expect((await postEvents({ events: [goodEvent()] })).status).toBe(503);
    expect((await postEvents({ events: [goodEvent()] })).status).toBe(207);
  });

  test('the same eventId accepted twice counts as a duplicate and the latest is kept', async () => {
    await postEvents({ events: [goodEvent({ eventId: 'dup', value: 1 })] });
    await postEvents({ events: [goodEvent({ eventId: 'dup', value: 2 })] });
    expect(sandbox.duplicates).toBe(1);
    expect(sandbox.accepted.get('5830921746193:dup')?.event?.value).toBe(2);
  });

  test.each<[string, string, boolean]>([
    ['the largest 32-bit integer', '2147483647', true],
    ['one above it', '2147483648', false],
    ['eleven digits', '99999999999', false],
  ])('an INTEGER custom data value of %s: accepted %s', async (_l, value, accepted) => {
    const body = (await (
      await postEvents({ events: [goodEvent({ customData: [{ name: 'n', value, dataType: 'INTEGER' }] })] })
    ).json()) as any;
    expect(body.success.length).toBe(accepted ? 1 : 0);
  });

  test('GET /__sandbox/requests shows what was received, credentials masked', async () => {
    await postEvents({ events: [goodEvent({ eventId: 'seen' })] });
    const { data } = (await (await fetch(`${sandbox.url}/__sandbox/requests?limit=1`)).json()) as any;
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ method: 'POST', path: '/adsApi/v1/create/events', status: 207 });
    expect(data[0].headers.authorization).toBe('***');
    expect(data[0].headers['amazon-ads-accountid']).toBe('5830921746193');
    expect(JSON.parse(data[0].body).events[0].eventId).toBe('seen');
  });

  test('the control API scripts faults and reports state over HTTP', async () => {
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ route: 'events', status: 500, times: 2 }),
    });
    expect((await postEvents({ events: [goodEvent()] })).status).toBe(500);
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as any;
    expect(state.pendingFaults).toBe(1);
    expect(state.counters.byStatus['500']).toBe(1);
  });
});

/**
 * Consent as Amazon states it (OpenAPI CreateConsent: an EU advertiser's events carry one of geo, amazonConsent,
 * tcf, gpp) and, with the strict rules, as Amazon's tag enforces it (events from the EU 27, GB, NO, IS, LI
 * need the user's consent, whatever the advertiser's region; the IP is not consent).
 */
describe("sandbox: consent by the advertiser's region and the event's country", () => {
  const EU_ADVERTISER = '520724305968518499';
  const NA_ADVERTISER = '4728736040201';
  const send = (advertiser: string, prefix: string, over: Record<string, unknown>) =>
    postEvents(
      { events: [goodEvent(over)] },
      {
        ...eventHeaders,
        authorization: `Bearer ${TEST_ACCOUNT.staticAccessTokens[0]}`,
        'Amazon-Ads-ClientId': TEST_ACCOUNT.clientId,
        'Amazon-Ads-AccountId': advertiser,
      },
      prefix,
    );
  const geo = { geo: { ipAddress: '203.0.113.9' } };
  const granted = { amazonConsent: { amznUserData: 'GRANTED' } };
  type Row = [
    string,
    string,
    string,
    Record<string, unknown>,
    'accepted' | 'refused',
    'accepted' | 'refused',
  ];
  const rows: Row[] = [
    [
      'EU host, an Indian event, no consent',
      EU_ADVERTISER,
      '/eu',
      { countryCode: 'IN', consent: undefined },
      'refused',
      'refused',
    ],
    [
      'EU host, an Indian event, the IP',
      EU_ADVERTISER,
      '/eu',
      { countryCode: 'IN', consent: geo },
      'accepted',
      'accepted',
    ],
    [
      'EU advertiser without a region prefix, no consent',
      EU_ADVERTISER,
      '',
      { countryCode: 'AE', consent: undefined },
      'refused',
      'refused',
    ],
    [
      'EU host, a German event, the IP alone',
      EU_ADVERTISER,
      '/eu',
      { countryCode: 'DE', consent: geo },
      'accepted',
      'refused',
    ],
    [
      'EU host, a German event, Amazon consent',
      EU_ADVERTISER,
      '/eu',
      { countryCode: 'DE', consent: granted },
      'accepted',
      'accepted',
    ],
    [
      'EU host, a Norwegian event, TCF',
      EU_ADVERTISER,
      '/eu',
      { countryCode: 'NO', consent: { tcf: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' } },
      'accepted',
      'accepted',
    ],
    [
      'NA host, a German event, no consent',
      NA_ADVERTISER,
      '/na',
      { countryCode: 'DE', consent: undefined },
      'accepted',
      'refused',
    ],
    [
      'NA host, a British event, no consent',
      NA_ADVERTISER,
      '/na',
      { countryCode: 'GB', consent: undefined },
      'accepted',
      'refused',
    ],
    [
      'NA host, a Swiss event, no consent (CH is not on the list)',
      NA_ADVERTISER,
      '/na',
      { countryCode: 'CH', consent: undefined },
      'accepted',
      'accepted',
    ],
    [
      'NA host, a US event, no consent',
      NA_ADVERTISER,
      '/na',
      { countryCode: 'US', consent: undefined },
      'accepted',
      'accepted',
    ],
  ];

  test.each(rows)('%s: %s by default', async (_l, advertiser, prefix, over, byDefault) => {
    const body = (await (await send(advertiser, prefix, over)).json()) as any;
    if (byDefault === 'accepted') expect([body.success.length, body.error]).toEqual([1, []]);
    else
      expect(body.error[0].errors.map((e: { fieldLocation: string }) => e.fieldLocation)).toEqual([
        'events[0].consent',
      ]);
  });

  test.each(rows)('%s: strict rules', async (_l, advertiser, prefix, over, _byDefault, strict) => {
    await sandbox.close();
    sandbox = await startSandbox({ tagRules: true });
    const body = (await (await send(advertiser, prefix, over)).json()) as any;
    if (strict === 'accepted') expect([body.success.length, body.error]).toEqual([1, []]);
    else
      expect(body.error[0].errors.map((e: { fieldLocation: string }) => e.fieldLocation)).toEqual([
        'events[0].consent',
      ]);
  });
});

describe('sandbox: controls refuse what they cannot use', () => {
  test.each<[string, string, string, string]>([
    ['chaos of a string', '/__sandbox/chaos', '"x"', 'chaos must be an object'],
    [
      'a probability above 1',
      '/__sandbox/chaos',
      '{"serverError":2}',
      'serverError must be a probability from 0 to 1',
    ],
    [
      'an unknown chaos setting',
      '/__sandbox/chaos',
      '{"servererror":0.5}',
      'servererror is not a chaos setting',
    ],
    ['a negative seed', '/__sandbox/chaos', '{"seed":-1}', 'seed must be a whole number from 0'],
  ])('%s: 400 with what is wrong, chaos unchanged', async (_l, path, body, message) => {
    sandbox.setChaos({ eventError: 0.25 });
    const r = await fetch(`${sandbox.url}${path}`, { method: 'POST', body });
    expect([r.status, await r.json()]).toEqual([400, { code: 'BAD_REQUEST', message }]);
    expect(sandbox.chaos.settings).toEqual({ eventError: 0.25 });
  });

  test('an empty chaos body turns chaos off', async () => {
    sandbox.setChaos({ eventError: 0.25 });
    expect((await fetch(`${sandbox.url}/__sandbox/chaos`, { method: 'POST' })).status).toBe(200);
    expect(sandbox.chaos.settings).toEqual({});
  });

  test.each(['abc', '-1', '0', '1.5', '10000000'])('GET /__sandbox/events?limit=%s: 400', async (limit) => {
    for (const path of ['events', 'requests']) {
      const r = await fetch(`${sandbox.url}/__sandbox/${path}?limit=${limit}`);
      expect([path, r.status]).toEqual([path, 400]);
    }
  });
});

describe('sandbox: poisoned event ids (a whole-request 400 in the validation form)', () => {
  const faults = (body: unknown) =>
    fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) });

  test('every request holding a poisoned id answers 400, naming each by position; others pass, until reset', async () => {
    expect(await (await faults({ poison_event_ids: ['p-1', 'p-2'] })).json()).toEqual({
      pendingFaults: 0,
      poisonedEventIds: 2,
    });
    const mixed = await postEvents({
      events: [goodEvent({ eventId: 'ok-1' }), goodEvent({ eventId: 'p-2' }), goodEvent({ eventId: 'p-1' })],
    });
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toEqual({
      code: 'BAD_REQUEST',
      message:
        "2 validation errors detected: Value 'p-2' at 'events.2.member.eventId' failed to satisfy constraint: " +
        "Member must be an event this advertiser can accept; Value 'p-1' at 'events.3.member.eventId' failed " +
        'to satisfy constraint: Member must be an event this advertiser can accept',
    });
    expect(sandbox.accepted.size).toBe(0);
    expect((await postEvents({ events: [goodEvent({ eventId: 'ok-1' })] })).status).toBe(207);
    expect((await postEvents({ events: [goodEvent({ eventId: 'p-1' })] })).status).toBe(400);
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    expect((await postEvents({ events: [goodEvent({ eventId: 'p-1' })] })).status).toBe(207);
  });

  test.each<[string, unknown, string]>([
    [
      'no route',
      { status: 500 },
      'fault 0: route must be one of events, token, profiles, advertiserAccounts, any',
    ],
    ['an unknown route', { route: 'evnets', status: 500 }, 'fault 0: route must be one of'],
    ['a status that is not HTTP', { route: 'events', status: 99 }, 'fault 0: status must be an HTTP status'],
    [
      'times of 0',
      { route: 'events', status: 500, times: 0 },
      'fault 0: times must be a whole number from 1',
    ],
    [
      'an empty poison list',
      { poison_event_ids: [] },
      'fault 0: poison_event_ids must be a list of event ids',
    ],
    ['poison ids that are not text', { poison_event_ids: [1] }, 'fault 0: poison_event_ids must be a list'],
    ['null', null, 'fault 0: each fault must be an object'],
    [
      'one bad rule in a list',
      [{ route: 'events', status: 500 }, 7],
      'fault 1: each fault must be an object',
    ],
  ])('a fault with %s answers 400 and adds nothing', async (_label, body, message) => {
    const r = await faults(body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain(message);
    expect(sandbox.faults.pending).toBe(0);
    expect(sandbox.faults.poisoned.size).toBe(0);
  });
});

/**
 * What Amazon's server-side GTM tag checks and the API does not state (events-api.md §3–4, §11): accepted by
 * default, as Amazon's own rules allow, and refused only with --tag-rules.
 */
describe("sandbox: the tag's stricter rules, only with --tag-rules", () => {
  const rows: Array<[string, Record<string, unknown>, string]> = [
    ['a purchase value without currency', { currencyCode: undefined }, 'events[0].currencyCode'],
    [
      'currency on a page view',
      {
        eventDescription: {
          name: 'View',
          conversionType: 'PAGE_VIEW',
          eventSource: 'WEBSITE',
          eventIngestionMethod: 'SERVER_TO_SERVER',
        },
        value: undefined,
      },
      'events[0].currencyCode',
    ],
    [
      'an event name with a slash',
      {
        eventDescription: {
          name: 'a/b',
          conversionType: 'OTHER',
          eventSource: 'WEBSITE',
          eventIngestionMethod: 'SERVER_TO_SERVER',
        },
        value: undefined,
        currencyCode: undefined,
      },
      'events[0].eventDescription.name',
    ],
    [
      'a dataSetName that only contains the pattern (JSON Schema does not anchor it)',
      {
        eventDescription: {
          name: 'Purchase',
          conversionType: 'OFF_AMAZON_PURCHASES',
          eventSource: 'WEBSITE',
          eventIngestionMethod: 'SERVER_TO_SERVER',
          dataSetName: '1-web',
        },
      },
      'events[0].eventDescription.dataSetName',
    ],
    [
      'an event time 20 minutes ahead',
      { eventTime: new Date(Date.now() + 20 * 60_000).toISOString() },
      'events[0].eventTime',
    ],
  ];

  test.each(rows)('%s: accepted by default', async (_l, over) => {
    const body = (await (await postEvents({ events: [goodEvent(over)] })).json()) as any;
    expect(body.error).toEqual([]);
    expect(body.success).toHaveLength(1);
  });

  test.each(rows)('%s: refused with --tag-rules', async (_l, over, location) => {
    await sandbox.close();
    sandbox = await startSandbox({ tagRules: true });
    const body = (await (await postEvents({ events: [goodEvent(over)] })).json()) as any;
    expect(body.success).toEqual([]);
    expect(body.error[0].errors.map((e: { fieldLocation: string }) => e.fieldLocation)).toContain(location);
  });

  test("the advertiser on another region's host: accepted by default, 404 with --tag-rules", async () => {
    expect((await postEvents({ events: [goodEvent()] }, eventHeaders, '/eu')).status).toBe(207);
    await sandbox.close();
    sandbox = await startSandbox({ tagRules: true });
    expect((await postEvents({ events: [goodEvent()] }, eventHeaders, '/eu')).status).toBe(404);
  });
});

describe('sandbox: /v2/profiles is a legacy API', () => {
  const profiles = (headers: Record<string, string>) => fetch(`${sandbox.url}/v2/profiles`, { headers });
  test('it takes only the legacy client id header, and answers errors in the legacy shape', async () => {
    const legacy = await profiles({
      authorization: 'Bearer Atza|IwEBIA...',
      'Amazon-Advertising-API-ClientId': DEMO_ACCOUNT.clientId,
    });
    expect(legacy.status).toBe(200);
    const newHeader = await profiles({
      authorization: 'Bearer Atza|IwEBIA...',
      'Amazon-Ads-ClientId': DEMO_ACCOUNT.clientId,
    });
    expect(newHeader.status).toBe(400);
    expect(await newHeader.json()).toEqual({
      code: '400',
      details: 'Missing required header Amazon-Advertising-API-ClientId',
      requestId: expect.any(String),
    });
    const badToken = await profiles({
      authorization: 'Bearer Atza|nope',
      'Amazon-Advertising-API-ClientId': DEMO_ACCOUNT.clientId,
    });
    expect(badToken.status).toBe(401);
    expect(await badToken.json()).toMatchObject({
      code: '401',
      details: expect.stringContaining('access token'),
    });
  });
});

describe('sandbox: throttling like Amazon (--rate-limit)', () => {
  let clock = 0;
  let limited: Sandbox;
  beforeEach(async () => {
    clock = Date.now();
    limited = await startSandbox({ rateLimit: 2, now: () => clock });
  });
  afterEach(() => limited.close());
  const post = async (accountId: string) => {
    const access = (await (await token(refreshForm)).json()) as { access_token: string };
    return fetch(`${limited.url}/adsApi/v1/create/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access.access_token}`,
        'Amazon-Ads-ClientId': TEST_ACCOUNT.clientId,
        'Amazon-Ads-AccountId': accountId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ events: [goodEvent()] }),
    });
  };
  const token = (form: Record<string, string>) =>
    fetch(`${limited.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  test('2 a second per advertiser account: a burst of 2, then 429 TOO_MANY_REQUESTS with Retry-After, then refilled', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('4728736040201')).status);
    expect(statuses).toEqual([207, 207, 429]);
    const refused = await post('4728736040201');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // Another advertiser account has its own budget.
    expect((await post('9900000000001')).status).toBe(207);
    clock += 500; // half a second refills one request
    expect((await post('4728736040201')).status).toBe(207);
    expect((await post('4728736040201')).status).toBe(429);
    const state = (await (await fetch(`${limited.url}/__sandbox/state`)).json()) as any;
    expect(state.rateLimit).toEqual({
      perSecond: 2,
      byAccount: {
        '4728736040201': { allowed: 3, throttled: 3 },
        '9900000000001': { allowed: 1, throttled: 0 },
      },
    });
  });

  test('without --rate-limit nothing is throttled', async () => {
    for (let i = 0; i < 5; i++) expect((await postEvents({ events: [goodEvent()] })).status).toBe(207);
  });
});

describe("sandbox: Login with Amazon's authorization-code flow", () => {
  const CALLBACK = 'http://127.0.0.1:8084/v1/admin/oauth/amazon/callback';
  const authorizeQuery = (over: Record<string, string> = {}) =>
    new URLSearchParams({
      client_id: DEMO_ACCOUNT.clientId,
      scope: 'advertising::campaign_management',
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: 'st-123',
      ...over,
    });
  /** The consent form posted back as the browser would, with the button pressed. */
  const consent = (button: 'approve' | 'deny', over: Record<string, string> = {}) =>
    fetch(`${sandbox.url}/ap/oa`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(authorizeQuery(over)), [button]: '1' }),
    });
  const exchange = (code: string, over: Record<string, string> = {}) =>
    token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: DEMO_ACCOUNT.clientId,
      client_secret: DEMO_ACCOUNT.clientSecret,
      ...over,
    });
  const codeOf = async () =>
    new URL((await consent('approve')).headers.get('location')!).searchParams.get('code')!;

  test('the consent page names the application and the scope, in one form with Allow and Cancel', async () => {
    const r = await fetch(`${sandbox.url}/ap/oa?${authorizeQuery()}`);
    expect(r.status).toBe(200);
    const page = await r.text();
    expect(page).toContain('Amazon DSP Events (demo)');
    expect(page).toContain('advertising::campaign_management');
    expect(page.match(/<form method="post"/g)).toHaveLength(1);
    expect(page).toContain(`<input type="hidden" name="redirect_uri" value="${CALLBACK}">`);
    expect(page).toContain('<input type="hidden" name="state" value="st-123">');
    expect(page).toMatch(/<button type="submit" name="approve" value="1">Allow<\/button>/);
    expect(page).toMatch(/<button type="submit" name="deny" value="1">Cancel<\/button>/);
  });

  test('Allow redirects with a code, scope and state; the code gives tokens that work', async () => {
    const r = await consent('approve');
    expect(r.status).toBe(302);
    const location = new URL(r.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('scope')).toBe('advertising::campaign_management');
    const issued = await exchange(location.searchParams.get('code')!);
    expect(issued.status).toBe(200);
    const body = (await issued.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: DEMO_ACCOUNT.refreshToken,
    });
    const profiles = await fetch(`${sandbox.url}/v2/profiles`, {
      headers: {
        authorization: `Bearer ${body.access_token}`,
        'Amazon-Advertising-API-ClientId': DEMO_ACCOUNT.clientId,
      },
    });
    expect(profiles.status).toBe(200);
  });

  test('Cancel redirects with error=access_denied and the state, and no code', async () => {
    const location = new URL((await consent('deny')).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  test.each([
    [
      'an unknown client id',
      { client_id: 'amzn1.application-oa2-client.nobody' },
      'The client_id is not known',
    ],
    [
      'a redirect URI the application did not register',
      { redirect_uri: 'https://evil.example/cb' },
      'not registered',
    ],
  ])('%s: an error page, never a redirect', async (_, over, message) => {
    const r = await fetch(`${sandbox.url}/ap/oa?${authorizeQuery(over)}`, { redirect: 'manual' });
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
    expect(await r.text()).toContain(message);
  });

  test.each<[string, (code: string) => Promise<Response>, number, Record<string, string>]>([
    [
      'used twice',
      async (code) => {
        await exchange(code);
        return exchange(code);
      },
      400,
      { error: 'invalid_grant', error_description: 'The authorization code has already been used' },
    ],
    [
      'for another redirect URI',
      (code) => exchange(code, { redirect_uri: 'http://127.0.0.1:9/v1/admin/oauth/amazon/callback' }),
      400,
      {
        error: 'invalid_grant',
        error_description: 'The redirect_uri does not match the authorization request',
      },
    ],
    [
      'with a wrong client secret',
      (code) => exchange(code, { client_secret: 'nope' }),
      401,
      { error: 'invalid_client', error_description: 'Client authentication failed' },
    ],
  ])('a code %s is refused with its error', async (_, attempt, status, body) => {
    const r = await attempt(await codeOf());
    expect(r.status).toBe(status);
    expect(await r.json()).toEqual(body);
  });

  test('a code more than 5 minutes old is refused', async () => {
    let clock = Date.now();
    const timed = await startSandbox({ now: () => clock });
    try {
      const r = await fetch(`${timed.url}/ap/oa`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...Object.fromEntries(authorizeQuery()), approve: '1' }),
      });
      const code = new URL(r.headers.get('location')!).searchParams.get('code')!;
      clock += 5 * 60_000 + 1;
      const late = await fetch(`${timed.url}/auth/o2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: CALLBACK,
          client_id: DEMO_ACCOUNT.clientId,
          client_secret: DEMO_ACCOUNT.clientSecret,
        }),
      });
      expect(late.status).toBe(400);
      expect(((await late.json()) as { error_description: string }).error_description).toBe(
        'The authorization code has expired',
      );
    } finally {
      await timed.close();
    }
  });
});
