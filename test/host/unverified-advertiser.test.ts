import { startHost, purchase, type HostHarness } from '../support/host-harness.js';
import { credentialsOf, DEMO_ACCOUNT, TEST_ACCOUNT } from '../../sandbox/accounts.js';

/**
 * An advertiser install cannot see listed is installed **unverified** (a warning, and a status the API and the
 * page show) until Amazon accepts its first batch; a mistyped id that Amazon then refuses says so. In API-token
 * mode the advertiser id never reaches Amazon, so it stays unverified.
 */
let h: HostHarness;
afterEach(() => h.close());

const installBody = (config: Record<string, unknown>) => ({
  name: 'Amazon DSP Events',
  variant: 'default',
  config,
  delivery_mode: 'server_side',
});
const integration = async (id: string) => (await h.admin(`/v1/admin/integrations/${id}`)).body;

describe('an advertiser install cannot see listed', () => {
  test('a listed advertiser installs verified, with no such warning', async () => {
    h = await startHost();
    const created = await h.install();
    expect(created.status).toBe(201);
    expect(created.body.installation.verification).toBe('verified');
    expect(created.body.installation.warnings.join(' ')).not.toContain('unverified');
  });

  test('a non-global advertiser: unverified with a warning, verified once Amazon accepts its first batch', async () => {
    h = await startHost();
    const created = await h.install(
      installBody(credentialsOf(TEST_ACCOUNT, 0, { advertiser_id: '6100000000001' })),
    );
    expect(created.status).toBe(201);
    expect(created.body.installation.verification).toBe('unverified');
    expect(created.body.installation.warnings).toContainEqual(
      expect.stringContaining('Advertiser 6100000000001 is not among the advertiser accounts'),
    );
    expect((await integration(created.body.id)).installation.verification).toBe('unverified');
    const id = (await h.ingest('/v1/t', purchase('NG-1'))).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
    expect(h.sandbox.accepted.has('6100000000001:NG-1')).toBe(true);
    await h.waitFor(
      async () => (await integration(created.body.id)).installation.verification === 'verified',
      'verified after the first accepted batch',
    );
  });

  test('a mistyped id (Amazon reads the empty probe as a bad body): unverified, then every event says to check the id', async () => {
    h = await startHost({}, undefined, { bodyFirst: true });
    const config = { ...credentialsOf(DEMO_ACCOUNT), advertiser_id: '5830921746199' };
    const created = await h.install(installBody(config));
    expect(created.status).toBe(201);
    expect(created.body.installation.verification).toBe('unverified');
    const id = (await h.ingest('/v1/t', purchase('TYPO-1'))).body.ids[0];
    const dead = await h.waitForOutcome(id, 'dead');
    expect(dead.outcome.code).toBe('ACCESS_DENIED');
    // Live Events hides long digit runs (the id among them); the words are what the operator needs.
    expect(dead.outcome.reason).toMatch(/^Advertiser \S+ is not verified: check the advertiser id\./);
    expect((await integration(created.body.id)).installation.verification).toBe('unverified');
    expect(h.sandbox.accepted.size).toBe(0);
  });

  test('API-token mode: unverified with a warning, and still unverified after Amazon accepts a batch', async () => {
    h = await startHost();
    const created = await h.install(
      installBody({
        advertiser_id: '9999999999999', // no advertiser of the token's manager account: nothing can tell
        manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
        api_token: 'amzn_ads|sandbox-test-api-token',
        data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
        region: 'NA',
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.installation.verification).toBe('unverified');
    expect(created.body.installation.warnings).toEqual([
      expect.stringContaining('API-token mode cannot check advertiser 9999999999999'),
    ]);
    const id = (await h.ingest('/v1/t', purchase('TOKEN-1'))).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
    // The batch is settled and the status decided in the same step as the outcome stored above.
    expect((await integration(created.body.id)).installation.verification).toBe('unverified');
  });

  test('without the empty probe read as a bad body, the same mistyped id is refused at install', async () => {
    h = await startHost();
    const config = { ...credentialsOf(DEMO_ACCOUNT), advertiser_id: '5830921746199' };
    const refused = await h.install(installBody(config));
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('Advertiser 5830921746199 was not found');
  });
});
