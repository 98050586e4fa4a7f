import { startHarness, SEED_INSTALL, type Harness } from './support/plugin-harness.js';
import { TEST_ACCOUNT, DEMO_ACCOUNT, FORBIDDEN_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { maskInstallation } from '../plugin/installation.js';
import { MANIFEST } from '../plugin/catalog/manifest.js';
import {
  AccessDeniedError,
  AmazonUnavailableError,
  AuthError,
  ConfigError,
  NotFoundError,
  type PluginError,
} from '../plugin/errors.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const testConfig = (over: Record<string, unknown> = {}) => ({ ...credentialsOf(TEST_ACCOUNT), ...over });

async function installError(body: unknown): Promise<PluginError> {
  try {
    await h.destination.install(body);
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('install succeeded but was expected to fail');
}

describe('install against the sandbox', () => {
  test("the seed's own body installs, resolving the entity id, region and advertiser account", async () => {
    const installation = await h.destination.install(SEED_INSTALL);
    expect(installation).toMatchObject({
      catalogKey: 'amazon_dsp',
      name: 'Amazon DSP Events',
      variant: 'default',
      blueprint: 'blueprints/default.json',
      region: 'NA',
      apiHost: `${h.sandbox.url}/na`,
      clientId: DEMO_ACCOUNT.clientId,
      clientIdSource: 'host',
      advertiser: { configured: 'ENTITY1234ABCD', accountId: '5830921746193', entityId: 'ENTITY1234ABCD' },
      profile: { profileId: '1234567890', countryCode: 'US', type: 'agency' },
      config: SEED_INSTALL.config,
    });
    // 2. token lifetime: an access token alone dies within the hour; install says by when, and what to add.
    const by = Date.parse(installation.tokenExpiresBy!);
    expect(by - Date.parse(installation.installedAt)).toBe(3_600_000);
    expect(installation.warnings).toEqual([
      expect.stringContaining(`stops by ${installation.tokenExpiresBy} at the latest`),
    ]);
    expect(installation.warnings[0]).toContain('Add client_id, client_secret and refresh_token');
    expect(installation.id).toMatch(/^inst_[0-9a-f-]{36}$/);
    expect(maskInstallation(installation).config.access_token).toBe('***');
    expect(installation.config.access_token).toBe('Atza|IwEBIA...');
  });

  test('with refresh credentials, no token warning and no expiry: the plugin renews the token itself', async () => {
    const installation = await h.destination.install({
      variant: 'default',
      config: credentialsOf(TEST_ACCOUNT),
    });
    expect(installation.warnings).toEqual([]);
    expect(installation.tokenExpiresBy).toBeUndefined();
  });

  test('the profiles call carries the bearer token and the legacy client id header, and no scope header', async () => {
    await h.destination.install(SEED_INSTALL);
    const profiles = h.sandbox.requests.find((r) => r.path.endsWith('/v2/profiles'))!;
    expect(profiles.headers.authorization).toBe('Bearer Atza|IwEBIA...');
    expect(profiles.headers['amazon-advertising-api-clientid']).toBe(DEMO_ACCOUNT.clientId);
    expect(profiles.headers['amazon-advertising-api-scope']).toBeUndefined();
    const query = h.sandbox.requests.find((r) => r.path.endsWith('/advertiserAccounts'))!;
    expect(query.headers['amazon-ads-clientid']).toBe(DEMO_ACCOUNT.clientId);
    expect(JSON.parse(query.body)).toEqual({ isGlobalAccountFilter: { include: [true] }, maxResults: 100 });
  });

  test.each([
    ['NA by its US profile', 0, 'NA', '4728736040201'],
    ['EU by its DE profile, whose id is beyond 2^53', 1, 'EU', '520724305968518499'],
    ['FE by its JP profile', 2, 'FE', '9900000000001'],
  ])('the region is found from the profile: %s', async (_label, profileIndex, region, accountId) => {
    const config = credentialsOf(TEST_ACCOUNT, profileIndex);
    const installation = await h.destination.install({ variant: 'default', config });
    expect(installation.region).toBe(region);
    expect(installation.profile.profileId).toBe(config.profile_id);
    expect(installation.advertiser.accountId).toBe(accountId);
    expect(installation.clientIdSource).toBe('config');
  });

  test('a numeric advertiser id is checked and kept', async () => {
    const installation = await h.destination.install({
      variant: 'default',
      config: testConfig({ advertiser_id: '4728736040201' }),
    });
    expect(installation.advertiser).toMatchObject({
      configured: '4728736040201',
      accountId: '4728736040201',
      entityId: 'ENTITYTESTNA01',
    });
  });

  test('a configured region is used as given and only its host is asked', async () => {
    const config = { ...credentialsOf(TEST_ACCOUNT, 1), region: 'EU' };
    await h.destination.install({ variant: 'default', config });
    const profileCalls = h.sandbox.requests.filter((r) => r.path.endsWith('/v2/profiles')).map((r) => r.path);
    expect(profileCalls).toEqual(['/eu/v2/profiles']);
  });

  test('an expired access token is refreshed with the refresh credentials, once, and install goes on', async () => {
    h.sandbox.expireTokens(true);
    const installation = await h.destination.install({ variant: 'default', config: testConfig() });
    expect(installation.advertiser.accountId).toBe('4728736040201');
    expect(h.sandbox.counters.tokenRequests).toBe(1);
    const token = h.sandbox.requests.find((r) => r.path === '/auth/o2/token')!;
    expect(token.headers.authorization).toBeUndefined();
    expect(token.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: TEST_ACCOUNT.refreshToken,
      client_id: TEST_ACCOUNT.clientId,
      client_secret: TEST_ACCOUNT.clientSecret,
    });
  });

  test('a revoked refresh token (invalid_grant) is a clear reconnect error', async () => {
    h.sandbox.expireTokens(true);
    h.sandbox.revokeRefreshToken(TEST_ACCOUNT.refreshToken);
    const error = await installError({ variant: 'default', config: testConfig() });
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('AUTH_FAILED');
    expect((error as AuthError).needsReconnect).toBe(true);
    expect(error.message).toContain('invalid_grant');
    expect(error.message).toContain('Reconnect the integration');
  });

  test.each<
    [string, () => void, Record<string, unknown>, new (...a: never[]) => PluginError, string, boolean]
  >([
    [
      'an unknown access token → 401',
      () => {},
      { ...SEED_INSTALL.config, access_token: 'Atza|not-a-real-token' },
      AuthError,
      '401',
      false,
    ],
    [
      'an expired token without refresh credentials → 401',
      () => h.sandbox.expireTokens(true),
      SEED_INSTALL.config,
      AuthError,
      '401',
      false,
    ],
    [
      'a token without DSP access → 403',
      () => {},
      {
        ...credentialsOf(FORBIDDEN_ACCOUNT),
        client_secret: undefined,
        refresh_token: undefined,
        client_id: undefined,
        advertiser_id: 'ENTITY1234ABCD',
      },
      AccessDeniedError,
      '403',
      false,
    ],
    [
      'an unknown profile → 404',
      () => {},
      { ...SEED_INSTALL.config, profile_id: '999999' },
      NotFoundError,
      '404',
      false,
    ],
    [
      'an advertiser the token cannot see → 404',
      () => {},
      { ...SEED_INSTALL.config, advertiser_id: '123456789' },
      NotFoundError,
      '404',
      false,
    ],
    [
      'Amazon answering 503 → retryable',
      () => h.sandbox.faults.add({ route: 'profiles', status: 503 }),
      SEED_INSTALL.config,
      AmazonUnavailableError,
      '',
      true,
    ],
    [
      'Amazon answering 429 → retryable',
      () => h.sandbox.faults.add({ route: 'advertiserAccounts', status: 429, retryAfter: '3' }),
      SEED_INSTALL.config,
      AmazonUnavailableError,
      '429',
      true,
    ],
    [
      'Amazon injecting 403 → access words',
      () => h.sandbox.faults.add({ route: 'profiles', status: 403 }),
      SEED_INSTALL.config,
      AccessDeniedError,
      '403',
      false,
    ],
    [
      'Amazon injecting 404 → region words',
      () => h.sandbox.faults.add({ route: 'advertiserAccounts', status: 404 }),
      SEED_INSTALL.config,
      NotFoundError,
      '404',
      false,
    ],
  ])('%s', async (_label, arrange, config, errorClass, wordsKey, retryable) => {
    arrange();
    const clean = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
    const error = await installError({ variant: 'default', config: clean });
    expect(error).toBeInstanceOf(errorClass);
    expect(error.retryable).toBe(retryable);
    // The troubleshooting words the message carries: exactly the row's, or none.
    const carried = MANIFEST.troubleshooting
      .filter((t) => error.message.includes(t.message))
      .map((t) => t.key);
    expect(carried).toEqual(wordsKey ? [wordsKey] : []);
  });

  test('an advertiser in another region than the profile is a 404 that names both regions', async () => {
    const config = testConfig({ advertiser_id: '520724305968518499' });
    const error = await installError({ variant: 'default', config });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('belongs to the EU region, but the profile is in NA');
  });

  test('Amazon unreachable is a retryable AMAZON_UNAVAILABLE error', async () => {
    await h.sandbox.close();
    const error = await installError(SEED_INSTALL);
    expect(error.code).toBe('AMAZON_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  test('a stalled Amazon times out as a retryable error', async () => {
    h.sandbox.faults.add({ route: 'profiles', stall: true });
    const error = await installError(SEED_INSTALL);
    expect(error.code).toBe('AMAZON_UNAVAILABLE');
    expect(error.message).toContain('timed out');
  });

  test('an invalid config makes no HTTP call at all', async () => {
    const error = await installError({
      variant: 'default',
      config: { ...SEED_INSTALL.config, profile_id: 'abc' },
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(h.sandbox.counters.requests).toBe(0);
  });

  test('no secret appears in any log line or error message, success or failure', async () => {
    await h.destination.install({ variant: 'default', config: testConfig() });
    h.sandbox.expireTokens(true);
    h.sandbox.revokeRefreshToken(TEST_ACCOUNT.refreshToken);
    const error = await installError({ variant: 'default', config: testConfig() });
    await installError({
      variant: 'default',
      config: { ...SEED_INSTALL.config, access_token: 'Atza|wrong-secret-token' },
    });
    const secrets = [
      TEST_ACCOUNT.clientSecret,
      TEST_ACCOUNT.refreshToken,
      TEST_ACCOUNT.staticAccessTokens[0]!,
      'Atza|wrong-secret-token',
      'sbx.test',
    ];
    expect(h.logs.length).toBeGreaterThanOrEqual(3);
    for (const text of [...h.logs, error.message, JSON.stringify(error)]) {
      for (const s of secrets) expect(text).not.toContain(s);
    }
  });
});
