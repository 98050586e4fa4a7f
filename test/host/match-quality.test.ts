import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignalHostOptions } from '../../host/signal-host.js';
import { startHost, purchase, SEED_INSTALL, type HostHarness } from '../support/host-harness.js';
import { runCli } from '../support/run-cli.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * Match quality through the host: a mix of events whose figures the test knows row by row, counted in the
 * transaction that stores them, delivered, read back per window, kept over a restart, and the same for `report`.
 */
const dir = tempDirForFile('match-quality-');

/** With a phone, and paired with the Ad Tag: the page gave the Ad Tag an id and passed it on. */
const withPhone = (id: string) => {
  const e = purchase(id);
  return {
    ...e,
    properties: { ...(e.properties as object), amazon_event_id: `adtag-${id}` },
    traits: { email: 'jane.doe@example.com', phone: '+1 415 555 0100' },
  };
};
const noConsent = (id: string) => {
  const e = purchase(id);
  return { ...e, context: { locale: 'en-US', ip: '203.0.113.42' } };
};
const refused = (id: string) => {
  const e = purchase(id);
  return {
    ...e,
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: false } } },
  };
};
/** With Global Privacy Control, on a page reached from an Amazon ad click (a click token in the URL). */
const gpc = (id: string) => {
  const e = purchase(id);
  const page = { url: 'https://shop.example/thanks?aref=Ab3dE5gH1j.1764583200000' };
  return { ...e, context: { ...(e.context as object), gpc: true, page } };
};
const badCurrency = (id: string) => {
  const e = purchase(id);
  return { ...e, properties: { ...(e.properties as object), currency: 'ZZZ' } };
};
const addToCart = (id: string) => {
  const e = purchase(id);
  return {
    ...e,
    event: 'add_to_cart',
    properties: { ...(e.properties as object), amazon_event_id: `adtag-${id}` },
  };
};
const unmapped = (id: string) => ({ ...purchase(id), event: 'wishlist_opened' });

/** The mix: how many of each, and what each row must add to the figures. */
const MIX = [
  { n: 4, make: purchase, adds: 'Purchase: EMAIL, FIP, consent granted' },
  { n: 3, make: withPhone, adds: 'Purchase: EMAIL, PHONE, FIP, consent granted, paired with the Ad Tag' },
  { n: 2, make: noConsent, adds: 'Purchase: EMAIL, FIP, geo only (the default without a signal)' },
  { n: 1, make: gpc, adds: 'Purchase: EMAIL, FIP, consent granted, limited data use, click token' },
  { n: 2, make: refused, adds: 'filtered CONSENT_DENIED' },
  { n: 1, make: badCurrency, adds: 'invalid CURRENCY_INVALID' },
  { n: 2, make: addToCart, adds: 'AddToCart: EMAIL, FIP, consent granted, paired with the Ad Tag' },
  { n: 1, make: unmapped, adds: 'filtered EVENT_NOT_MAPPED (no event type)' },
];
const events = MIX.flatMap(({ n, make }, row) => Array.from({ length: n }, (_, i) => make(`MQ-${row}-${i}`)));

const EXPECTED_TRANSFORM_SIDE = {
  totals: { transformed: 12, filtered: 3, invalid: 1 },
  purchase: {
    count: 10,
    filtered: 2,
    invalid: 1,
    keys: { EMAIL: 1, PHONE: 0.3, FIP: 1, MAID: 0 },
    avg_match_keys: 2.3,
    consent: { granted: 0.8, denied: 0, tcf_gpp: 0, geo_only: 0.2, none: 0 },
    limited_data_use: 0.1,
    paired_with_ad_tag: 0.3,
    with_click_token: 0.1,
  },
  addToCart: {
    count: 2,
    keys: { EMAIL: 1, FIP: 1, PHONE: 0 },
    consent: { granted: 1 },
    paired_with_ad_tag: 1,
    with_click_token: 0,
  },
  reasons: { filtered: { CONSENT_DENIED: 2, EVENT_NOT_MAPPED: 1 }, invalid: { CURRENCY_INVALID: 1 } },
};

let h: HostHarness;
afterEach(() => h?.close());

async function deliveredMix(options: Partial<SignalHostOptions> = {}): Promise<string> {
  h = await startHost(options);
  const id = (await h.install()).body.id as string;
  expect((await h.ingest('/v1/batch', { batch: events })).status).toBe(200);
  await h.waitFor(() => h.sandbox.accepted.size === 12 || undefined, 'the 12 sendable events delivered');
  await h.waitFor(
    async () =>
      (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body.totals.delivered === 12 || undefined,
    'their outcomes counted',
  );
  return id;
}

test('the figures equal the mix: per event type, keys, consent, data use, outcomes and reasons', async () => {
  const id = await deliveredMix();
  const q = (await h.admin(`/v1/admin/integrations/${id}/match-quality?window=24h`)).body;
  expect(q.window).toBe('24h');
  expect(q.totals).toEqual({ ...EXPECTED_TRANSFORM_SIDE.totals, delivered: 12, rejected: 0, dead: 0 });
  const p = EXPECTED_TRANSFORM_SIDE.purchase;
  expect(q.by_event.Purchase).toMatchObject({
    count: p.count,
    delivered: 10,
    filtered: p.filtered,
    invalid: p.invalid,
    match_keys: p.keys,
    avg_match_keys: p.avg_match_keys,
    consent: p.consent,
    limited_data_use: p.limited_data_use,
    paired_with_ad_tag: p.paired_with_ad_tag,
    with_click_token: p.with_click_token,
  });
  expect(q.by_event.Purchase.score).toBeGreaterThan(0);
  expect(q.by_event.AddToCart).toMatchObject({
    count: 2,
    delivered: 2,
    match_keys: EXPECTED_TRANSFORM_SIDE.addToCart.keys,
    consent: EXPECTED_TRANSFORM_SIDE.addToCart.consent,
    paired_with_ad_tag: 1,
    with_click_token: 0,
  });
  expect(q.reasons).toEqual({ ...EXPECTED_TRANSFORM_SIDE.reasons, rejected: {}, dead: {} });
  expect(q.alerts).toEqual([]);
  const hours = q.hourly as Array<{ transformed: number; delivered: number }>;
  expect(hours.length).toBeGreaterThanOrEqual(24);
  expect(hours.reduce((sum, hour) => sum + hour.transformed, 0)).toBe(12);
  expect(hours.at(-1)!.delivered).toBe(12);

  // `report` over the same events, as a file: the same figures before anything is sent.
  const file = join(dir, 'mix.ndjson');
  const config = join(dir, 'config.json');
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
  writeFileSync(config, JSON.stringify(SEED_INSTALL.config));
  const report = await runCli(['report', '--config', config, '--json', file]);
  expect(report.code).toBe(0);
  const offline = JSON.parse(report.stdout);
  expect(offline.totals).toEqual(EXPECTED_TRANSFORM_SIDE.totals);
  expect(offline.reasons).toEqual(EXPECTED_TRANSFORM_SIDE.reasons);
  for (const name of ['Purchase', 'AddToCart'])
    expect(offline.by_event[name]).toEqual({ ...q.by_event[name], delivered: 0 });
  const text = await runCli(['report', '--config', config, file]);
  expect(text.stdout).toMatch(
    /^Purchase\s+10\s+\d+\s+2\.30\s+100 %\s+30 %\s+100 %\s+10 %\s+30 %\s+10 %\s+event 100 %\s+granted 80 %, geo_only 20 %$/m,
  );
});

test('the counters survive a restart', async () => {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const id = await deliveredMix({ dataDir });
  const read = async () => (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body;
  const before = await read();
  await h.close();
  h = await startHost({ dataDir });
  const after = await read();
  expect(after.totals).toEqual(before.totals);
  expect(after.by_event).toEqual(before.by_event);
  expect(after.reasons).toEqual(before.reasons);
});

test('e-mail coverage that drops between windows raises an alert', async () => {
  const hour = 3_600_000;
  const top = Math.floor(Date.now() / hour) * hour;
  let now = top - 2 * hour + 60_000; // inside the window before the last hour
  h = await startHost({ now: () => now });
  const id = (await h.install()).body.id as string;
  await h.ingest('/v1/batch', { batch: Array.from({ length: 5 }, (_, i) => purchase(`BEFORE-${i}`)) });
  now = Date.now();
  const phoneOnly = (i: number) => ({ ...withPhone(`AFTER-${i}`), traits: { phone: '+1 415 555 0100' } });
  await h.ingest('/v1/batch', {
    batch: [purchase('AFTER-E'), ...Array.from({ length: 4 }, (_, i) => phoneOnly(i))],
  });
  const q = (await h.admin(`/v1/admin/integrations/${id}/match-quality?window=1h`)).body;
  expect(q.by_event.Purchase.match_keys.EMAIL).toBe(0.2);
  expect(q.alerts).toContainEqual(
    expect.objectContaining({
      code: 'MATCH_KEY_COVERAGE_DROP',
      event: 'Purchase',
      message: expect.stringMatching(/^EMAIL on Purchase events fell from 100 % to 20 %/),
    }),
  );
  const day = (await h.admin(`/v1/admin/integrations/${id}/match-quality?window=24h`)).body;
  expect(day.by_event.Purchase.match_keys.EMAIL).toBe(0.6);
  expect(day.alerts.map((a: { code: string }) => a.code)).not.toContain('MATCH_KEY_COVERAGE_DROP');
});

test.each([
  ['an unknown window', 400, '?window=2h', 'invalid_request'],
  ['no token', 401, '', 'unauthorized'],
])('%s → %i', async (_, status, query, code) => {
  h = await startHost();
  const id = (await h.install()).body.id as string;
  const r = await h.admin(`/v1/admin/integrations/${id}/match-quality${query}`, query ? {} : { token: null });
  expect(r.status).toBe(status);
  expect(r.body.error.code).toBe(code);
});

test('an unknown integration → 404', async () => {
  h = await startHost();
  expect((await h.admin('/v1/admin/integrations/tmpl_nothing/match-quality')).status).toBe(404);
});

test('a database made before deliveries kept their event name gets the column when it is opened', async () => {
  const { default: Database } = await import('better-sqlite3');
  const { openDatabase } = await import('../../host/store/database.js');
  const dataDir = mkdtempSync(join(dir, 'old-'));
  const old = new Database(join(dataDir, 'signal-host.db'));
  old.exec(`CREATE TABLE deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL,
    integration_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0, amazon_event TEXT, event_id_amazon TEXT, outcome_code TEXT,
    outcome_message TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  old
    .prepare(
      "INSERT INTO deliveries (event_id, integration_id, status, created_at, updated_at) VALUES ('e', 'i', 'queued', 'x', 'x')",
    )
    .run();
  old.close();
  const db = openDatabase(dataDir);
  try {
    expect(db.prepare('SELECT event_id, event_name FROM deliveries').all()).toEqual([
      { event_id: 'e', event_name: null },
    ]);
  } finally {
    db.close();
  }
});
