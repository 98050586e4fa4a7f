// A host written outside the repository: it imports only the installed package by name (and ajv, its own
// dependency), as a host author's project would. Run by test/package-contract.test.ts in an empty project where
// the packed tarball was installed; prints one JSON line of what it saw.
// Usage: node host.mjs CONFIG.json EVENTS.ndjson
import { readFileSync } from 'node:fs';
import { setTimeout as wait } from 'node:timers/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import manifest from 'amazon-dsp-events/manifest.json' with { type: 'json' };
import { createDestination, hostSettingsFromEnv, ConfigError, maskInstallation } from 'amazon-dsp-events';
import { startSandbox } from 'amazon-dsp-events/sandbox';

const [configFile, eventsFile] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const events = readFileSync(eventsFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

// The catalog entry and its config schema, through the package's exports. The config schema refers to the
// blueprint schema for custom event entries; both carry x-error-* annotations of their own.
const schemaOf = async (path) =>
  (await import(`amazon-dsp-events/${path}`, { with: { type: 'json' } })).default;
const configSchema = await schemaOf(manifest.config_schema);
const blueprintSchema = await schemaOf('schemas/blueprint.schema.json');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(blueprintSchema);
const validConfig = ajv.validate(configSchema, config);

// The seed's events are of 2026-02-25: the plugin's clock and the sandbox's run from the next day.
const started = Date.now();
const now = () => Date.parse('2026-02-26T00:00:00Z') + (Date.now() - started);
const clock = { now, sleep: (ms) => wait(ms) };
const sandbox = await startSandbox({ now });
const destination = createDestination({
  clock,
  hostSettings: hostSettingsFromEnv({
    AMAZON_ADS_API_URL: sandbox.url,
    AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
    AMAZON_ADS_CLIENT_ID: 'amzn1.application-oa2-client.sandboxdemo',
  }),
});
try {
  let refused;
  try {
    await destination.install({ name: 'x', variant: 'default', config: { ...config, profile_id: 'abc' } });
  } catch (error) {
    refused =
      error instanceof ConfigError ? { code: error.code, fields: error.fields.map((f) => f.field) } : 'other';
  }
  const variant = manifest.variants[0].key;
  const installation = await destination.install({
    name: manifest.name,
    variant,
    config: { ...manifest.variants[0].default_config, ...config },
    delivery_mode: manifest.delivery_mode,
  });
  const results = events.map((event) => destination.transform(event, installation));
  const items = results.flatMap((r, i) => (r.status === 'ok' ? [{ id: `item-${i}`, event: r.event }] : []));
  const report = await destination.deliver(items, installation);
  const deepImports = {};
  for (const path of [
    'dist/plugin/config.js',
    'dist/sandbox/server.js',
    'sandbox/server.js',
    'host/main.js',
    'schemas/../dist/plugin/config.js',
  ]) {
    deepImports[path] = await import(`amazon-dsp-events/${path}`).then(
      () => 'imported',
      (error) => error.code,
    );
  }
  // Exported, so that a host can read the version it runs.
  const { default: pkg } = await import('amazon-dsp-events/package.json', { with: { type: 'json' } });
  console.log(
    JSON.stringify({
      packageVersion: pkg.version,
      catalogKey: manifest.key,
      version: manifest.version,
      validConfig,
      refused,
      variant,
      installed: {
        region: installation.region,
        accessToken: maskInstallation(installation).config.access_token,
      },
      transformed: results.map((r) => r.status),
      outcomes: report.outcomes,
      needsReconnect: report.needsReconnect,
      ledger: [...sandbox.accepted.values()].map((a) => a.eventId),
      tokenHealth: destination.tokenHealth(installation),
      deepImports,
    }),
  );
} finally {
  await destination.close();
  await sandbox.close();
}
