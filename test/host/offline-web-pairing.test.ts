import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { startHost, type HostHarness } from '../support/host-harness.js';
import { runCli, sandboxEnv } from '../support/run-cli.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * A shop sells order 1009 on its website (through the host) and its CRM exports the same order the next night
 * (`upload`). The order id is the one id the web, the Ad Tag and the CRM share (docs/ad-tag.md), so Amazon
 * counts one conversion; a lead with the same number is another conversion.
 */
const dir = tempDirForFile('offline-web-pairing-');
let host: HostHarness | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

test('a web purchase and the CRM row of the same order are one conversion; a lead 1009 stays its own', async () => {
  const h = (host = await startHost());
  expect((await h.install()).status).toBe(201);
  const at = new Date(Date.now() - 3_600_000).toISOString();

  const web = {
    event: 'purchase',
    anonymousId: 'anon-shopper',
    timestamp: at,
    properties: { transaction_id: '1009', value: 49.99, currency: 'USD' },
    traits: { email: 'shopper@example.com' },
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
  };
  expect((await h.ingest('/v1/t', web)).status).toBe(200);
  await h.waitFor(() => h.sandbox.accepted.size === 1 || undefined, 'the web purchase at Amazon');

  const csv = join(dir, 'crm.csv');
  writeFileSync(
    csv,
    [
      'Type,Order,Lead,Email,Total,Date',
      `purchase,1009,,shopper@example.com,49.99,${at}`,
      `generate_lead,,1009,prospect@example.com,,${at}`,
    ].join('\n'),
  );
  const mapping = join(dir, 'crm-mapping.json');
  writeFileSync(
    mapping,
    JSON.stringify({
      defaults: { 'traits.address.country': 'US', 'properties.currency': 'USD' },
      columns: {
        Type: 'event',
        Order: 'properties.order_id',
        Lead: 'properties.lead_id',
        Email: 'traits.email',
        Total: { path: 'properties.value', type: 'number' },
        Date: { path: 'timestamp', type: 'date' },
      },
    }),
  );
  const env = sandboxEnv(h.sandbox.url);
  const config = join(PACKAGE_ROOT, 'examples/seed-config.json');
  const uploaded = await runCli(['upload', '--config', config, '--mapping', mapping, '--json', csv], env);
  expect(JSON.parse(uploaded.stdout)).toMatchObject({ rows: 2, delivered: 2, invalid: 0, filtered: 0 });

  const ids = [...h.sandbox.accepted.values()].map((a) => a.eventId).sort();
  expect(ids).toEqual(['1009', 'lead:1009']);
  const state = (await (await fetch(`${h.sandbox.url}/__sandbox/state`)).json()) as {
    attribution: Record<string, unknown>;
  };
  expect(state.attribution).toEqual({
    conversions: 2,
    duplicates_removed: 1,
    by_source: { events_api: 2, ad_tag: 0 },
    with_click_token: 0,
  });
});
