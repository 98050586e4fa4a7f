import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import { hostSettingsFromEnv } from '../../plugin/index.js';
import { LWA_AUTHORIZE_URLS } from '../../plugin/constants.js';
import { ADMIN_TOKEN, startHost, type HostHarness } from '../support/host-harness.js';

/**
 * "Connect with Amazon" for logins of every region: the start names the region, the user is sent to that
 * region's Login with Amazon page, and the code is exchanged at that region's token endpoint. The sandbox serves
 * the three sign-ins under /na, /eu, /fe and (strict rules) refuses a code at another region's token endpoint.
 */
let h: HostHarness;
afterEach(() => h.close());

/** The browser's binding cookie (`signal_oauth=…`) the last start set, sent back with the callback. */
let browserCookie = '';

/** `POST …/oauth/amazon/start` as the page sends it; keeps the cookie the answer sets. */
async function start(body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${h.host.adminUrl}/v1/admin/oauth/amazon/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  browserCookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { status: r.status, body: await r.json() };
}

/** The browser's path: the consent page, Allow through the form's own action, back to the host's callback. */
async function signIn(authorizeUrl: string): Promise<Response> {
  const page = await (await fetch(authorizeUrl)).text();
  const action = /<form method="post" action="([^"]+)">/.exec(page)![1]!;
  const params = new URL(authorizeUrl).searchParams;
  const answer = await fetch(new URL(action, authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(params), approve: '1' }),
  });
  // The callback is at the public URL (localhost), this host's loopback address; the browser sends its cookie.
  return fetch(answer.headers.get('location')!.replace('//localhost:', '//127.0.0.1:'), {
    redirect: 'manual',
    headers: { cookie: browserCookie },
  });
}

describe('Connect with Amazon, region by region', () => {
  test.each<[string, unknown, string]>([
    ['no region: North America', {}, 'na'],
    ['NA', { region: 'NA' }, 'na'],
    ['EU', { region: 'EU' }, 'eu'],
    ['FE', { region: 'FE' }, 'fe'],
  ])(
    '%s: signs in on that region’s page, the code exchanged at its token endpoint',
    async (_l, body, prefix) => {
      h = await startHost();
      const started = await start(body);
      expect(started.status).toBe(200);
      expect(started.body.region).toBe(prefix.toUpperCase());
      const url = new URL(started.body.authorize_url);
      expect(`${url.origin}${url.pathname}`).toBe(`${h.sandbox.url}/${prefix}/ap/oa`);
      expect(url.searchParams.get('client_id')).toBe(DEMO_ACCOUNT.clientId);
      h.sandbox.requests.length = 0;
      const back = await signIn(started.body.authorize_url);
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toMatch(/#\/integrations\/library\/connect\/conn_\w+$/);
      const exchange = h.sandbox.requests.find(
        (r) => r.path.endsWith('/auth/o2/token') && r.body.includes('grant_type=authorization_code'),
      );
      expect([exchange?.path, exchange?.status]).toEqual([`/${prefix}/auth/o2/token`, 200]);
      expect((await h.admin('/v1/admin/connections')).body.data).toHaveLength(1);
    },
  );

  test.each<[string, unknown]>([
    ['a region that is not one', { region: 'APAC' }],
    ['a region in lower case', { region: 'eu' }],
    ['a region that is not text', { region: 1 }],
  ])('%s: 400 naming the field, nothing started', async (_l, body) => {
    h = await startHost();
    const r = await start(body);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toEqual([{ field: 'region', message: 'must be one of NA, EU, FE' }]);
  });

  test.each<[string, string]>([
    ['NA', 'https://www.amazon.com/ap/oa'],
    ['EU', 'https://eu.account.amazon.com/ap/oa'],
    ['FE', 'https://apac.account.amazon.com/ap/oa'],
  ])('live Amazon: %s logins are sent to %s', async (region, page) => {
    h = await startHost({
      oauth: { clientId: DEMO_ACCOUNT.clientId, clientSecret: 'x', authorizeUrls: LWA_AUTHORIZE_URLS },
    });
    const url = new URL((await start({ region })).body.authorize_url);
    expect(`${url.origin}${url.pathname}`).toBe(page);
    expect(url.searchParams.get('scope')).toBe('advertising::campaign_management');
  });

  test("a code from the EU sign-in is refused at North America's token endpoint (the sandbox's strict rules)", async () => {
    h = await startHost();
    const started = await start({ region: 'EU' });
    const page = await (await fetch(started.body.authorize_url)).text();
    const action = /action="([^"]+)"/.exec(page)![1]!;
    expect(action).toBe('/eu/ap/oa');
    const params = new URL(started.body.authorize_url).searchParams;
    const answer = await fetch(`${h.sandbox.url}${action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(params), approve: '1' }),
    });
    const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
    const exchange = (prefix: string) =>
      fetch(`${h.sandbox.url}${prefix}/auth/o2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: params.get('redirect_uri')!,
          client_id: DEMO_ACCOUNT.clientId,
          client_secret: DEMO_ACCOUNT.clientSecret,
        }),
      });
    const wrong = await exchange('/na');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'invalid_grant',
      error_description: "The authorization code was issued by the EU sign-in, not NA's",
    });
  });
});

describe('the token endpoints a host is configured with', () => {
  test.each<[string, Record<string, string>, string, Record<string, string>]>([
    [
      "Amazon's three by default",
      {},
      'https://api.amazon.com/auth/o2/token',
      {
        NA: 'https://api.amazon.com/auth/o2/token',
        EU: 'https://api.amazon.co.uk/auth/o2/token',
        FE: 'https://api.amazon.co.jp/auth/o2/token',
      },
    ],
    [
      'one per region from a {region} placeholder, refreshing at na',
      { AMAZON_LWA_TOKEN_URL: 'http://127.0.0.1:4010/{region}/auth/o2/token' },
      'http://127.0.0.1:4010/na/auth/o2/token',
      {
        NA: 'http://127.0.0.1:4010/na/auth/o2/token',
        EU: 'http://127.0.0.1:4010/eu/auth/o2/token',
        FE: 'http://127.0.0.1:4010/fe/auth/o2/token',
      },
    ],
    [
      'one for all without it',
      { AMAZON_LWA_TOKEN_URL: 'http://127.0.0.1:4010/auth/o2/token' },
      'http://127.0.0.1:4010/auth/o2/token',
      {
        NA: 'http://127.0.0.1:4010/auth/o2/token',
        EU: 'http://127.0.0.1:4010/auth/o2/token',
        FE: 'http://127.0.0.1:4010/auth/o2/token',
      },
    ],
  ])('%s', (_l, env, refresh, exchange) => {
    const settings = hostSettingsFromEnv(env);
    expect(settings.lwaTokenUrl).toBe(refresh);
    expect(settings.lwaTokenUrls).toEqual(exchange);
  });
});
