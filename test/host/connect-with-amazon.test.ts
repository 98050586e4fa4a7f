import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * "Connect with Amazon" at the API level: start → Amazon's consent page → Allow → the callback keeps a connection
 * (its refresh token sealed, never shown) → the profiles and advertisers it sees. Cancel, a replayed or expired
 * state, and a host without its own Login with Amazon application each end with nothing stored.
 */
let h: HostHarness;
let clock: number;
beforeEach(async () => {
  clock = Date.now();
  h = await startHost({ now: () => clock });
});
afterEach(() => h.close());

/** The browser's binding cookie (`signal_oauth=…`) the last start set, as the browser would send it back. */
let browserCookie = '';

/** `POST …/oauth/amazon/start` as the page sends it; keeps the cookie the answer sets. */
async function start(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const r = await fetch(`${h.host.adminUrl}/v1/admin/oauth/amazon/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const setCookie = r.headers.get('set-cookie') ?? '';
  browserCookie = setCookie.split(';')[0]!;
  return { status: r.status, body: (await r.json()) as any, setCookie };
}

/** Start, then press a button on Amazon's consent page as the browser would; resolves to where Amazon sends it. */
async function authorize(button: 'approve' | 'deny'): Promise<{ callback: string; state: string }> {
  const started = await start();
  expect(started.status).toBe(200);
  const url = new URL(started.body.authorize_url);
  expect(url.searchParams.get('redirect_uri')).toBe(publicCallback());
  const consentPage = await fetch(url);
  expect(await consentPage.text()).toContain('advertising::campaign_management');
  const answer = await fetch(`${url.origin}/ap/oa`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), [button]: '1' }),
  });
  return { callback: answer.headers.get('location')!, state: started.body.state };
}

/** The callback at the default public URL, `http://localhost:<admin port>`. */
const publicCallback = () =>
  `http://localhost:${new URL(h.host.adminUrl).port}/v1/admin/oauth/amazon/callback`;

/** The browser following Amazon's redirect (to localhost, which is this host's loopback address). */
const callback = (url: string, cookie = browserCookie) =>
  fetch(url.replace('//localhost:', '//127.0.0.1:'), {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });

test('Allow: the callback keeps a connection and opens the install dialog; its profiles and advertisers list', async () => {
  const { callback: url } = await authorize('approve');
  const r = await callback(url);
  expect(r.status).toBe(302);
  const id = /#\/integrations\/library\/connect\/(conn_[a-z2-7]{20})$/.exec(r.headers.get('location')!)![1]!;
  const list = await h.admin('/v1/admin/connections');
  expect(list.body.data).toEqual([
    {
      id,
      client_id: DEMO_ACCOUNT.clientId,
      profiles_count: expect.any(Number),
      created_at: expect.any(String),
    },
  ]);
  expect(JSON.stringify(list.body)).not.toContain(DEMO_ACCOUNT.refreshToken);

  const profiles = (await h.admin(`/v1/admin/connections/${id}/profiles`)).body.data;
  expect(profiles.length).toBe(list.body.data[0].profiles_count);
  expect(profiles).toContainEqual(
    expect.objectContaining({ profile_id: '1234567890', region: 'NA', country: expect.any(String) }),
  );
  const tokenRequests = h.sandbox.counters.tokenRequests;
  const advertisers = await h.admin(`/v1/admin/connections/${id}/advertisers?profile_id=1234567890`);
  expect(advertisers.status).toBe(200);
  expect(h.sandbox.counters.tokenRequests - tokenRequests).toBe(1); // one token for the profiles and advertisers
  expect(advertisers.body.data).toContainEqual({ advertiser_id: '5830921746193', name: expect.any(String) });

  // At rest the refresh token is sealed: the database files do not hold it.
  const dataDir = (h.host as unknown as { options: { dataDir: string } }).options.dataDir;
  for (const file of readdirSync(dataDir).filter((f) => f.startsWith('signal-host.db')))
    expect(readFileSync(join(dataDir, file)).includes(DEMO_ACCOUNT.refreshToken)).toBe(false);
});

test.each<[string, () => Promise<string>, RegExp]>([
  ['Cancel at Amazon', async () => (await authorize('deny')).callback, /cancelled/],
  [
    'a state used twice',
    async () => {
      const { callback: url } = await authorize('approve');
      await callback(url);
      return url;
    },
    /no longer valid/,
  ],
  [
    'a state more than 10 minutes old',
    async () => {
      const { callback: url } = await authorize('approve');
      clock += 10 * 60_000 + 1;
      return url;
    },
    /no longer valid/,
  ],
  [
    'a state the host never gave',
    async () => `${h.host.adminUrl}/v1/admin/oauth/amazon/callback?code=x&state=forged`,
    /no longer valid/,
  ],
])('%s: a clear page, and no new connection', async (_, callbackUrl, message) => {
  const url = await callbackUrl();
  const before = (await h.admin('/v1/admin/connections')).body.data.length;
  const r = await callback(url);
  expect(r.status).toBe(400);
  expect(await r.text()).toMatch(message);
  expect((await h.admin('/v1/admin/connections')).body.data.length).toBe(before);
});

test('the start sets an HttpOnly, SameSite=Lax cookie; a callback without it (or with another) is refused', async () => {
  const { setCookie } = await start();
  expect(setCookie).toMatch(
    /^signal_oauth=[\w-]{32}; Path=\/v1\/admin\/oauth\/amazon; Max-Age=600; HttpOnly; SameSite=Lax$/,
  );
  const { callback: url } = await authorize('approve');
  for (const cookie of ['', 'signal_oauth=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'other=1']) {
    const r = await callback(url, cookie);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('started in another browser');
  }
  expect((await h.admin('/v1/admin/connections')).body.data).toEqual([]);
  // The state was not used up by the wrong browsers: the one that started it still completes.
  expect((await callback(url)).status).toBe(302);
  expect((await h.admin('/v1/admin/connections')).body.data).toHaveLength(1);
});

test('redirect_uri comes from the public URL, never from the Host header', async () => {
  const started = await start({}, { host: 'evil.example' });
  expect(new URL(started.body.authorize_url).searchParams.get('redirect_uri')).toBe(publicCallback());
  await h.close();
  h = await startHost({ publicUrl: 'https://signal.example.com/' });
  const behind = await start({}, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
  expect(new URL(behind.body.authorize_url).searchParams.get('redirect_uri')).toBe(
    'https://signal.example.com/v1/admin/oauth/amazon/callback',
  );
  expect(behind.setCookie).toMatch(/; Secure$/);
});

test('a page opened at another address than the public URL is told where to open it, before Amazon', async () => {
  const other = await start({}, { origin: h.host.adminUrl });
  expect(other.status).toBe(409);
  expect(other.body.error).toEqual({
    code: 'wrong_origin',
    message: expect.stringContaining(
      `Open the page at ${publicCallback().replace('/v1/admin/oauth/amazon/callback', '')}/`,
    ),
  });
  expect((await start({}, { origin: new URL(publicCallback()).origin })).status).toBe(200);
});

test('the pickers need a known connection and profile; the start needs the admin token', async () => {
  expect((await h.admin('/v1/admin/connections/conn_nothing/profiles')).status).toBe(404);
  const { callback: url } = await authorize('approve');
  const id = /connect\/(conn_\w+)$/.exec((await callback(url)).headers.get('location')!)![1];
  expect((await h.admin(`/v1/admin/connections/${id}/advertisers`)).status).toBe(400);
  expect((await h.admin(`/v1/admin/connections/${id}/advertisers?profile_id=999`)).status).toBe(404);
  expect(
    (await h.admin('/v1/admin/oauth/amazon/start', { method: 'POST', body: {}, token: null })).status,
  ).toBe(401);
});

test('a host without its own Login with Amazon application says what to set', async () => {
  await h.close();
  h = await startHost({ oauth: undefined });
  const r = await h.admin('/v1/admin/oauth/amazon/start', { method: 'POST', body: {} });
  expect(r.status).toBe(409);
  expect(r.body.error).toEqual({
    code: 'not_configured',
    message: expect.stringContaining('AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET'),
  });
});

async function connected(): Promise<string> {
  const { callback: url } = await authorize('approve');
  return /connect\/(conn_\w+)$/.exec((await callback(url)).headers.get('location')!)![1]!;
}

test('install with connection_id, profile_id and advertiser_id: no token typed, events delivered, tokens renewed', async () => {
  const id = await connected();
  const installed = await h.install({
    name: 'Amazon DSP Events',
    variant: 'default',
    config: { connection_id: id, profile_id: '1234567890', advertiser_id: '5830921746193' },
  });
  expect(installed.status).toBe(201);
  expect(installed.body.revision.config).toMatchObject({
    connection_id: id,
    access_token: '***',
    refresh_token: '***',
    client_secret: '***',
    client_id: DEMO_ACCOUNT.clientId,
  });
  expect(JSON.stringify(installed.body)).not.toContain(DEMO_ACCOUNT.refreshToken);
  const sent = await h.ingest('/v1/t', purchase('CONN-1'));
  await h.waitForOutcome(sent.body.ids[0], 'delivered');
  // The access token it was given expires: the installation renews it with the connection's refresh token.
  const before = h.sandbox.counters.tokenRequests;
  h.sandbox.expireTokens();
  const again = await h.ingest('/v1/t', purchase('CONN-2'));
  await h.waitForOutcome(again.body.ids[0], 'delivered');
  expect(h.sandbox.counters.tokenRequests).toBeGreaterThan(before);
});

test.each<[string, (id: string) => Record<string, unknown>, string]>([
  [
    'tokens and a connection together',
    (id) => ({
      connection_id: id,
      access_token: 'Atza|x',
      profile_id: '1234567890',
      advertiser_id: '5830921746193',
    }),
    'cannot be sent with access_token',
  ],
  [
    'a connection this host never made',
    () => ({
      connection_id: 'conn_aaaaaaaaaaaaaaaaaaaa',
      profile_id: '1234567890',
      advertiser_id: '5830921746193',
    }),
    'is not a connection of this host',
  ],
  [
    'neither tokens nor a connection',
    () => ({ profile_id: '1234567890', advertiser_id: '5830921746193' }),
    'is required (or connection_id, from Connect with Amazon)',
  ],
])('install with %s: 400 naming the field, nothing installed', async (_, config, message) => {
  const id = await connected();
  const r = await h.install({ name: 'Amazon DSP Events', variant: 'default', config: config(id) });
  expect(r.status).toBe(400);
  expect(r.body.error.fields.map((f: { message: string }) => f.message).join(' ')).toContain(message);
  expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(0);
});

test('token health: an access token alone expires within the hour; a connection renews itself', async () => {
  const pasted = await h.install();
  expect(pasted.body.auth).toMatchObject({
    method: 'access_token',
    renews: false,
    access_token_expires_at: expect.any(String),
    last_refresh_at: null,
    needs_reconnect: false,
    reason: expect.stringContaining('stops within the hour'),
  });
  expect(Date.parse(pasted.body.auth.access_token_expires_at)).toBeLessThanOrEqual(Date.now() + 3_600_000);

  const reconnect = await start({ integration_id: pasted.body.id });
  const url = new URL(reconnect.body.authorize_url);
  const answer = await fetch(`${url.origin}/ap/oa`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), approve: '1' }),
  });
  const back = (await callback(answer.headers.get('location')!)).headers.get('location')!;
  const [, integrationId, connectionId] = /installed\/(tmpl_\w+)\/reconnect\/(conn_\w+)$/.exec(back)!;
  expect(integrationId).toBe(pasted.body.id);

  // A purchase waits in the queue while the reconnect happens; it is kept and delivered after.
  const queued = await h.ingest('/v1/t', purchase('RECONNECT-1'));
  const patched = await h.admin(`/v1/admin/integrations/${integrationId}`, {
    method: 'PATCH',
    body: { config: { connection_id: connectionId } },
  });
  expect(patched.status).toBe(200);
  expect(patched.body.revision.revision_number).toBe(2);
  expect(patched.body.auth).toMatchObject({ method: 'connection', renews: true, reason: null });
  await h.waitForOutcome(queued.body.ids[0], 'delivered');
  h.sandbox.expireTokens();
  const later = await h.ingest('/v1/t', purchase('RECONNECT-2'));
  await h.waitForOutcome(later.body.ids[0], 'delivered');
  const health = (await h.admin(`/v1/admin/integrations/${integrationId}`)).body.auth;
  expect(health.last_refresh_at).toEqual(expect.any(String));
  expect(Date.parse(health.access_token_expires_at)).toBeGreaterThan(clock);
});

test('a code Amazon refuses (expired, used, forged): a clear page naming what to do, nothing stored', async () => {
  const { callback: url } = await authorize('approve');
  const forged = new URL(url);
  forged.searchParams.set('code', 'ANsbx-not-a-code');
  const r = await callback(forged.toString());
  expect(r.status).toBe(502);
  expect(await r.text()).toContain('Connect with Amazon again');
  expect((await h.admin('/v1/admin/connections')).body.data).toEqual([]);
});

test('a connection in use cannot be deleted; once unused it is removed with its refresh token', async () => {
  const id = await connected();
  const installed = await h.install({
    name: 'Amazon DSP Events',
    variant: 'default',
    config: { connection_id: id, profile_id: '1234567890', advertiser_id: '5830921746193' },
  });
  const inUse = await h.admin(`/v1/admin/connections/${id}`, { method: 'DELETE' });
  expect(inUse.status).toBe(409);
  expect(inUse.body.error.code).toBe('connection_in_use');
  await h.admin(`/v1/admin/integrations/${installed.body.id}`, { method: 'DELETE' });
  expect((await h.admin(`/v1/admin/connections/${id}`, { method: 'DELETE' })).status).toBe(204);
  expect((await h.admin('/v1/admin/connections')).body.data).toEqual([]);
  expect((await h.admin(`/v1/admin/connections/${id}`, { method: 'DELETE' })).status).toBe(404);
});
