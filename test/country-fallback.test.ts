import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { destination, installationFor, seedWith } from './support/transform-harness.js';
import { runCli } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';
import type { Explanation } from '../plugin/transform/transform-event.js';

/**
 * The country of an event: its own, else the config's default_country, else the profile's marketplace country
 * (as the currency already is); `UK`, Amazon's own label for the United Kingdom, read as `GB` wherever a
 * country is configured. Counted: where each sent event's country came from.
 */
const dir = tempDirForFile('country-fallback-');
const noCountry = seedWith({ context: { locale: undefined }, traits: { address: { country: undefined } } });
const install = (defaultCountry: string | undefined, profileCountry: string) => {
  const installation = installationFor('offline', defaultCountry ? { default_country: defaultCountry } : {});
  return { ...installation, profile: { ...installation.profile, countryCode: profileCountry } };
};

test.each<[string, unknown, string | undefined, string, string, Explanation['country']]>([
  ["the event's own", seedWith({ traits: { address: { country: 'FR' } } }), 'US', 'CA', 'FR', 'event'],
  ['else default_country', noCountry, 'CA', 'US', 'CA', 'default_country'],
  [
    "else the profile's marketplace (a plain CRM export on a US profile)",
    noCountry,
    undefined,
    'US',
    'US',
    'profile',
  ],
  ['default_country UK is GB', noCountry, 'UK', 'US', 'GB', 'default_country'],
  ['a profile labelled UK is GB', noCountry, undefined, 'UK', 'GB', 'profile'],
  ['a profile country in lower case', noCountry, undefined, 'de', 'DE', 'profile'],
])('%s', (_label, event, defaultCountry, profileCountry, country, from) => {
  const explanation: Explanation = { entry: null, matchKeys: [] };
  const result = destination.transform(event, install(defaultCountry, profileCountry), { explanation });
  expect(result).toMatchObject({ status: 'ok', event: { countryCode: country } });
  expect(explanation.country).toBe(from);
});

test('no country anywhere (no default, a profile without one): COUNTRY_MISSING, saying what to set', () => {
  expect(destination.transform(noCountry, install(undefined, ''))).toMatchObject({
    status: 'invalid',
    error: {
      code: 'COUNTRY_MISSING',
      field: 'countryCode',
      message: expect.stringContaining('default_country'),
    },
  });
});

test('the dry-run report counts where the countries came from', async () => {
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      advertiser_id: '4728736040201',
      profile_id: '1',
      access_token: 'Atza|x',
      default_country: 'UK',
    }),
  );
  const events = join(dir, 'events.ndjson');
  const line = (e: unknown) => JSON.stringify(e);
  const own = seedWith({ traits: { address: { country: 'US' } } });
  writeFileSync(events, [own, own, own, noCountry].map(line).join('\n'));
  const r = await runCli(['report', '--config', config, '--now', '2026-02-26T00:00:00Z', '--json', events]);
  const purchase = JSON.parse(r.stdout).by_event.Purchase;
  expect(purchase.count).toBe(4);
  expect(purchase.country_from).toEqual({ event: 0.75, default_country: 0.25, profile: 0 });
});
