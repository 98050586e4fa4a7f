import fc from 'fast-check';
import { startHost, type HostHarness } from './support/host-harness.js';
import { destination, installationFor } from './support/transform-harness.js';
import { ConfigError } from '../plugin/errors.js';
import { CONFIG_SCHEMA } from '../plugin/config.js';
import { runs } from './support/property-runs.js';

const SECRET = 'Atza|FUZZ-SECRET-0123456789';
const EMAIL = 'fuzz.person@example.org';

/** JSON that stresses parsers and validators: huge strings, deep nesting, unicode, numbers as strings, ids beyond 2^53. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.string({ minLength: 10_000, maxLength: 60_000 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '12345678901234567890',
    '9007199254740993',
    '-0',
    '1e400',
    'NaN',
    '',
    ' ',
    '\u0000',
    '\ud83d\ude00',
  ),
  fc.constantFrom(2 ** 53 + 2, 1.2345678901234567e19, -1, 0.1 + 0.2, 1e308),
  fc
    .integer({ min: 100, max: 2_000 })
    .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);
const configLike = fc.dictionary(
  fc.constantFrom(...Object.keys(CONFIG_SCHEMA.properties), 'x'),
  fc.oneof(nasty, fc.constant(SECRET)),
);

describe('fuzzing install, transform and the host APIs: never a crash, a hang or a 500', () => {
  let h: HostHarness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(() => h.close());

  test('install through the Management API: any config is a 201 or a clear 4xx/503 with a code, never echoing a secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(configLike, nasty),
        fc.oneof(fc.constant('default'), nasty),
        async (config, variant) => {
          const body = {
            variant,
            config:
              typeof config === 'object' && config !== null ? { ...config, access_token: SECRET } : config,
          };
          const r = await h.install(body);
          expect([201, 400, 404, 422, 503]).toContain(r.status);
          expect(r.body.error?.code ?? 'created').toMatch(/^[a-z_]+$/);
          expect(JSON.stringify(r.body)).not.toContain(SECRET);
        },
      ),
      { numRuns: runs(60), seed: 4 },
    );
  });

  test('transform: any event is ok, filtered or invalid with a code, and never shows the raw email', () => {
    const install = installationFor('default');
    fc.assert(
      fc.property(nasty, nasty, nasty, (properties, traits, context) => {
        for (const event of [
          { event: 'purchase', properties, traits: { email: EMAIL, extra: traits }, context },
          properties,
          { type: 'page', context },
        ]) {
          const result = destination.transform(event, install);
          expect(['ok', 'filtered', 'invalid']).toContain(result.status);
          expect(JSON.stringify(result)).not.toContain(EMAIL);
        }
      }),
      { numRuns: runs(150), seed: 5 },
    );
  });

  test('ingestion: any body gets 200 or a clear 4xx, never a 500, and never echoes the email', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/t', '/v1/p', '/v1/batch'),
        fc.oneof(
          nasty,
          fc.record({ event: nasty, traits: fc.constant({ email: EMAIL }), properties: nasty }),
          fc.record({ batch: fc.array(nasty, { maxLength: 5 }) }),
        ),
        async (path, body) => {
          const r = await h.ingest(path, body);
          expect([200, 400, 413]).toContain(r.status);
          if (r.status !== 200) expect(r.body.error.code).toMatch(/^[a-z_]+$/);
          expect(JSON.stringify(r.body)).not.toContain(EMAIL);
        },
      ),
      { numRuns: runs(80), seed: 6 },
    );
  });

  test('admin API: any body and query gets a 2xx or a clear 4xx, never a 500', async () => {
    const { body: created } = await h.install();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PATCH integration', 'POST replay', 'GET log', 'GET live', 'GET list'),
        nasty,
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '-1', '1e9', '9007199254740993', 'abc')),
        async (call, body, param) => {
          const q = encodeURIComponent(param);
          const r =
            call === 'PATCH integration'
              ? await h.admin(`/v1/admin/integrations/${created.id}`, {
                  method: 'PATCH',
                  body: { config: body },
                })
              : call === 'POST replay'
                ? await h.admin(`/v1/admin/integrations/${created.id}/dead-letters/replay`, {
                    method: 'POST',
                    body: { ids: body },
                  })
                : call === 'GET log'
                  ? await h.admin(`/v1/admin/integrations/${created.id}/delivery-log?status=${q}&limit=${q}`)
                  : call === 'GET live'
                    ? await h.admin(`/v1/admin/live-events?cursor=${q}`)
                    : await h.admin(`/v1/admin/integrations?limit=${q}&cursor=${q}`);
          expect(r.status).toBeLessThan(500);
          if (r.status >= 400) expect(r.body.error.code).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: runs(80), seed: 7 },
    );
  });

  test('install called directly: a config error is typed and never carries the secret it was given', async () => {
    const error = await destination
      .install({
        variant: 'default',
        config: { advertiser_id: SECRET, profile_id: SECRET, access_token: SECRET },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(SECRET);
  });
});
