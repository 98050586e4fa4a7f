import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { SchemaRegistry } from '../plugin/schemas/schema-registry.js';
import { MANIFEST } from '../plugin/catalog/manifest.js';
import { startHarness, SEED_INSTALL, type Harness } from './support/plugin-harness.js';
import { ConfigError } from '../plugin/errors.js';
import { FIELD_TARGETS } from '../plugin/transform/model.js';
import { VALUE_TRANSFORMS } from '../plugin/transform/value-transforms.js';

const schemas = new SchemaRegistry();
const files = readdirSync(join(PACKAGE_ROOT, 'blueprints')).filter((f) => f.endsWith('.json'));
const read = (f: string) => JSON.parse(readFileSync(join(PACKAGE_ROOT, 'blueprints', f), 'utf8'));

describe('shipped blueprints', () => {
  test.each(files)('%s is valid against blueprint.schema.json', (file) => {
    expect(schemas.validate('blueprint', read(file))).toEqual([]);
  });

  test('each variant of the manifest has its own blueprint, and every blueprint file is used', () => {
    expect(MANIFEST.variants.map((v) => v.blueprint).sort()).toEqual(
      files.map((f) => `blueprints/${f}`).sort(),
    );
  });

  test.each(files)('%s: a prefix or transform per source names only sources of its own row', (file) => {
    const blueprint = read(file);
    const rows = [
      ...blueprint.global.mappings,
      ...Object.values(blueprint.events as Record<string, { mappings?: unknown[] }>).flatMap(
        (e) => e.mappings ?? [],
      ),
    ] as Array<{
      source?: string | string[];
      prefix?: string | Record<string, string>;
      transform?: string | Record<string, string>;
    }>;
    const stray = rows.flatMap((row) =>
      [row.prefix, row.transform].flatMap((perSource) =>
        perSource && typeof perSource === 'object'
          ? Object.keys(perSource).filter((s) => ![row.source ?? []].flat().includes(s))
          : [],
      ),
    );
    expect(stray).toEqual([]);
  });

  test('no two events of a blueprint claim the same name or alias', () => {
    for (const file of files) {
      const names = Object.entries(read(file).events as Record<string, { aliases?: string[] }>).flatMap(
        ([k, e]) => [k, ...(e.aliases ?? [])],
      );
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

describe('the fields a row can set', () => {
  test("are the same in the blueprint schema's target pattern and in the transform's FIELDS", () => {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas/blueprint.schema.json'), 'utf8'));
    const pattern: string = schema.definitions.mapping.properties.target.pattern;
    const alternatives = /^\^\((.*)\)\$$/.exec(pattern)![1]!.split(/\|(?![^(]*\))/);
    const fieldTargets = alternatives
      .filter((a) => !a.startsWith('matchKeys') && !a.startsWith('customData'))
      .map((a) => a.replace(/\\\./g, '.'));
    expect(fieldTargets.sort()).toEqual([...FIELD_TARGETS].sort());
  });
});

describe('the transforms a row can name', () => {
  test("are the same in the blueprint schema's enum and in VALUE_TRANSFORMS", () => {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas/blueprint.schema.json'), 'utf8'));
    expect([...schema.definitions.mapping.properties.transform.anyOf[0].enum].sort()).toEqual(
      Object.keys(VALUE_TRANSFORMS).sort(),
    );
    // The error message lists them too, in the enum's order.
    const names = schema.definitions.mapping.properties.transform.anyOf[0].enum as string[];
    expect(schema.definitions.mapping.properties.transform['x-error-message']).toContain(
      `(${names.join(', ')})`,
    );
  });
});

describe('the blueprint schema rejects what is not data', () => {
  const base = read('default.json');
  test.each<[string, (b: any) => void, string]>([
    [
      'a mapping with both source and value',
      (b) => b.global.mappings.push({ source: 'a', value: 'b', target: 'eventId' }),
      'global.mappings.',
    ],
    [
      'a target Amazon does not have',
      (b) => b.global.mappings.push({ source: 'a', target: 'eventDescription.name' }),
      'must be an Amazon event field',
    ],
    [
      'a transform that is code',
      (b) => b.global.mappings.push({ source: 'a', target: 'eventId', transform: 'x => x.toUpperCase()' }),
      'global.mappings.23.transform: must be a transform name (string,',
    ],
    [
      'a transform per source that is code',
      (b) => b.global.mappings.push({ source: 'a', target: 'eventId', transform: { a: 'x => x' } }),
      "global.mappings.23.transform: must be a transform name (string, number, integer, sum, iso_datetime, country_code, locale_country, upper, custom_data_value, event_source_from_device, aref_from_url), or an object giving some of the row's sources a transform name each",
    ],
    [
      'an empty transform per source',
      (b) => b.global.mappings.push({ source: 'a', target: 'eventId', transform: {} }),
      'global.mappings.23.transform: must be a transform name',
    ],
    [
      'a path with brackets',
      (b) => b.global.mappings.push({ source: 'properties["value"]', target: 'value' }),
      'must be a dotted path',
    ],
    [
      'an unknown conversion type',
      (b) => (b.events.purchase.conversion_type = 'PURCHASE'),
      'events.purchase.conversion_type: must be one of',
    ],
    [
      'a default action other than drop',
      (b) => (b.defaults.action = 'send'),
      'defaults.action: must be drop',
    ],
  ])('%s', (_label, mutate, message) => {
    const copy = structuredClone(base);
    mutate(copy);
    const errors = schemas.validate('blueprint', copy).map((e) => `${e.field}: ${e.message}`);
    expect(errors.join('\n')).toContain(message);
  });
});

describe('custom events are checked at install', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  test.each<[string, unknown, string]>([
    [
      'an unknown conversion type',
      { trial: { vendor_event_name: 'Trial', conversion_type: 'TRIAL' } },
      'config.custom_events.trial.conversion_type: must be one of ADD_TO_SHOPPING_CART',
    ],
    [
      'a name with forbidden characters',
      { trial: { vendor_event_name: 'Trial/Start', conversion_type: 'OTHER' } },
      'config.custom_events.trial.vendor_event_name: must be 1 to 256 characters without',
    ],
    [
      'a missing Amazon name',
      { trial: { conversion_type: 'OTHER' } },
      'config.custom_events.trial.vendor_event_name: is required',
    ],
    [
      'a mapping to an unknown target',
      {
        trial: {
          vendor_event_name: 'Trial',
          conversion_type: 'OTHER',
          mappings: [{ source: 'properties.x', target: 'secret' }],
        },
      },
      'config.custom_events.trial.mappings.0.target: must be an Amazon event field',
    ],
  ])('%s', async (_label, customEvents, message) => {
    const error = await h.destination
      .install({ ...SEED_INSTALL, config: { ...SEED_INSTALL.config, custom_events: customEvents } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).fields.map((f) => `${f.field}: ${f.message}`).join('\n')).toContain(
      message,
    );
    expect(h.sandbox.counters.requests).toBe(0);
  });

  test('valid custom events install and are kept in the installation', async () => {
    const custom = { trial_started: { vendor_event_name: 'TrialStarted', conversion_type: 'SIGN_UP' } };
    const installation = await h.destination.install({
      ...SEED_INSTALL,
      config: { ...SEED_INSTALL.config, custom_events: custom },
    });
    expect(installation.config.custom_events).toEqual(custom);
  });
});
