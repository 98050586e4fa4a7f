import { startHost, SEED_INSTALL, purchase, type HostHarness } from '../support/host-harness.js';

let h: HostHarness;
beforeEach(async () => {
  h = await startHost();
});
afterEach(() => h.close());

describe('Management API', () => {
  test.each<[string, string | null, number]>([
    ['no token → 401', null, 401],
    ['a wrong token → 401', 'nope', 401],
    ['the admin token → 200', 'YOUR_TOKEN', 200],
  ])('%s', async (_l, token, status) => {
    const r = await h.admin('/v1/admin/integration-catalog', { token });
    expect(r.status).toBe(status);
    if (status === 401) expect(r.body.error.code).toBe('unauthorized');
  });

  test('the catalog lists amazon_dsp from manifest.json, with fields, variants and the config schema', async () => {
    const list = await h.admin('/v1/admin/integration-catalog');
    expect(list.body.data.map((c: { key: string }) => c.key)).toEqual(['amazon_dsp']);
    const one = await h.admin('/v1/admin/integration-catalog/amazon_dsp');
    expect(one.body).toMatchObject({
      key: 'amazon_dsp',
      category: 'advertising',
      delivery_mode: 'server_side',
    });
    expect(one.body.variants.map((v: { key: string }) => v.key)).toEqual([
      'default',
      'offline',
      'mobile_app',
    ]);
    expect(one.body.config_schema.properties.access_token.writeOnly).toBe(true);
    expect((await h.admin('/v1/admin/integration-catalog/meta_capi')).status).toBe(404);
  });

  test("the seed's install body → 201, template and revision 1, secrets masked", async () => {
    const r = await h.install();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^tmpl_/),
      name: 'Amazon DSP Events',
      vendor: 'amazon',
      catalog_vendor_key: 'amazon_dsp',
      catalog_variant_key: 'default',
      enabled: true,
      revision: {
        id: expect.stringMatching(/^rev_/),
        revision_number: 1,
        delivery_mode: 'server_side',
        config: { ...SEED_INSTALL.config, access_token: '***' },
      },
      installation: { region: 'NA', advertiser: { accountId: '5830921746193' } },
    });
    expect(JSON.stringify(r.body)).not.toContain('IwEBIA');
    const listed = await h.admin('/v1/admin/integrations');
    expect(listed.body).toMatchObject({ data: [{ id: r.body.id }], has_more: false, next_cursor: null });
  });

  test.each<[string, string, unknown, number, string]>([
    [
      'an invalid config names each field',
      'amazon_dsp',
      { ...SEED_INSTALL, config: { advertiser_id: 'x', access_token: '' } },
      400,
      'config.profile_id',
    ],
    ['an unknown catalog key', 'meta_capi', SEED_INSTALL, 404, 'not_found'],
    ['an unknown variant', 'amazon_dsp', { ...SEED_INSTALL, variant: 'retail' }, 404, 'variant_not_found'],
    ['a body that is not JSON', 'amazon_dsp', '{nope', 400, 'invalid_json'],
    [
      'credentials Amazon refuses',
      'amazon_dsp',
      { ...SEED_INSTALL, config: { ...SEED_INSTALL.config, access_token: 'Atza|revoked' } },
      422,
      'auth_failed',
    ],
  ])('%s', async (_l, key, body, status, expected) => {
    const r = await h.admin(`/v1/admin/integration-catalog/${key}/install`, { method: 'POST', body });
    expect(r.status).toBe(status);
    expect(JSON.stringify(r.body.error)).toContain(expected);
  });

  test('the 400 for a bad config lists every field', async () => {
    const r = await h.install({ ...SEED_INSTALL, config: { advertiser_id: 'x', access_token: '' } });
    const fields = new Set(r.body.error.fields.map((f: { field: string }) => f.field));
    expect(fields).toEqual(new Set(['config.advertiser_id', 'config.access_token', 'config.profile_id']));
  });

  test('Amazon unreachable at install → 503', async () => {
    await h.sandbox.close();
    const r = await h.install();
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('amazon_unavailable');
  });

  test('PATCH enables, disables, renames; a config change is re-installed as a new revision; DELETE removes', async () => {
    const { body: created } = await h.install();
    const path = `/v1/admin/integrations/${created.id}`;
    expect((await h.admin(path, { method: 'PATCH', body: { enabled: false } })).body.enabled).toBe(false);
    expect(
      (await h.admin(path, { method: 'PATCH', body: { enabled: true, name: 'Amazon (web)' } })).body,
    ).toMatchObject({ enabled: true, name: 'Amazon (web)' });
    const revised = await h.admin(path, {
      method: 'PATCH',
      body: { config: { ...SEED_INSTALL.config, access_token: '***', batch_size: 100 } },
    });
    expect(revised.status).toBe(200);
    expect(revised.body.revision).toMatchObject({
      revision_number: 2,
      config: { batch_size: 100, access_token: '***' },
    });
    const bad = await h.admin(path, {
      method: 'PATCH',
      body: { config: { ...SEED_INSTALL.config, profile_id: 'abc' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('config.profile_id');
    expect((await h.admin(path, { method: 'PATCH', body: { enabled: 'yes' } })).status).toBe(400);
    expect((await h.admin(path, { method: 'DELETE' })).status).toBe(204);
    expect((await h.admin(path)).status).toBe(404);
  });

  test('PATCH config is a merge patch: keys not sent are kept (secrets too), null removes an optional key', async () => {
    const { body: created } = await h.install({
      ...SEED_INSTALL,
      config: { ...SEED_INSTALL.config, default_country: 'US', batch_size: 200 },
    });
    const path = `/v1/admin/integrations/${created.id}`;
    const patch = (config: unknown) => h.admin(path, { method: 'PATCH', body: { config } });

    const partial = await patch({ batch_size: 10 });
    expect(partial.status).toBe(200);
    expect(partial.body.revision.revision_number).toBe(2);
    expect(partial.body.revision.config).toEqual({
      ...SEED_INSTALL.config,
      access_token: '***',
      default_country: 'US',
      batch_size: 10,
    });

    const removed = await patch({ default_country: null });
    expect(removed.status).toBe(200);
    expect(removed.body.revision.config).not.toHaveProperty('default_country');
    expect(removed.body.revision.config.batch_size).toBe(10);

    const custom = { trial_started: { vendor_event_name: 'TrialStarted', conversion_type: 'SIGN_UP' } };
    expect((await patch({ custom_events: custom })).body.revision.config.custom_events).toEqual(custom);
    const merged = await patch({
      custom_events: { wishlist: { vendor_event_name: 'Wishlist', conversion_type: 'OTHER' } },
    });
    expect(Object.keys(merged.body.revision.config.custom_events).sort()).toEqual([
      'trial_started',
      'wishlist',
    ]);

    // The access token was never sent again, yet the installation still delivers with it (stored encrypted).
    const stored = h.host['db']
      .prepare('SELECT installation FROM integrations WHERE id = ?')
      .get(created.id) as {
      installation: string;
    };
    expect(JSON.parse(stored.installation).config.access_token).toMatch(/^enc:v1:/);
    const eventId = (await h.ingest('/v1/t', purchase('MERGED-1'))).body.ids[0];
    await h.waitForOutcome(eventId, 'delivered');

    const required = await patch({ advertiser_id: null });
    expect(required.status).toBe(400);
    expect(required.body.error.fields).toContainEqual(
      expect.objectContaining({ field: 'config.advertiser_id' }),
    );
    for (const notAnObject of [null, 'x', [1]])
      expect((await patch(notAnObject)).body.error.fields).toEqual([
        { field: 'config', message: 'must be an object' },
      ]);
  });

  test('pagination: limit and cursor walk every integration once', async () => {
    for (let i = 0; i < 3; i++) await h.install({ ...SEED_INSTALL, name: `n${i}` });
    const first = await h.admin('/v1/admin/integrations?limit=2');
    expect(first.body).toMatchObject({ has_more: true });
    const second = await h.admin(`/v1/admin/integrations?limit=2&cursor=${first.body.next_cursor}`);
    expect([...first.body.data, ...second.body.data].map((i: { name: string }) => i.name)).toEqual([
      'n0',
      'n1',
      'n2',
    ]);
    expect(second.body.has_more).toBe(false);
    expect((await h.admin('/v1/admin/integrations?limit=0')).status).toBe(400);
    expect((await h.admin('/v1/admin/integrations?cursor=@@')).status).toBe(400);
  });
});
