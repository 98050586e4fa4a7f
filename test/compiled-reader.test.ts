import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileBlueprint } from '../plugin/transform/compile-blueprint.js';
import type { Blueprint } from '../plugin/transform/model.js';
import { compiledMatchKeys, interpretedMatchKeys } from '../plugin/transform/compile/match-key-builder.js';
import { compiledReader, interpretedReader } from '../plugin/transform/compile/row-reader.js';
import { transformEvent } from '../plugin/transform/transform-event.js';
import { SEED_EVENT } from './support/transform-harness.js';
import { runs } from './support/property-runs.js';

const NOW = Date.parse('2026-11-28T12:00:00.000Z');

/**
 * An entry's rows are read by generated code (one function per entry, as ajv compiles schemas). It must give
 * exactly what the rows mean, which `interpretedReader` spells out row by row, for any event.
 */
const shipped = ['default', 'offline', 'mobile_app'].map(
  (name) => JSON.parse(readFileSync(`blueprints/${name}.json`, 'utf8')) as Blueprint,
);
/** Rows of every kind the schema allows: literal, default, value_map with `*`, index and `*` paths, transforms. */
const edgeBlueprint: Blueprint = {
  version: 2,
  name: 'edges',
  global: {
    mappings: [
      { value: 'WEBSITE', target: 'eventDescription.eventSource' },
      { source: 'timestamp', target: 'eventTime', transform: 'iso_datetime' },
    ],
  },
  defaults: { action: 'drop' },
  events: {
    edge: {
      vendor_event_name: 'Edge',
      conversion_type: 'OTHER',
      mappings: [
        { value: 'x', value_map: { x: 'mapped' }, target: 'partner' },
        {
          source: ['properties.value', 'properties.total'],
          default: 0,
          target: 'value',
          transform: 'number',
        },
        { source: 'properties.tier', value_map: { gold: 'G', '*': 'OTHER' }, target: 'customData.tier' },
        { source: 'properties.items.0.sku', target: 'eventId', transform: 'string' },
        { source: 'properties.items.*.quantity', target: 'unitsSold', transform: 'sum' },
        { source: 'properties.tags.*', target: 'customData.tags' },
        { source: ['$weird', 'properties.1'], target: 'amazonAdEventKey' },
        { source: 'traits.email', target: 'matchKeys.EMAIL' },
        { source: 'traits.email', target: 'matchKeys.EMAIL' },
        { source: 'properties.meta', target: 'customData.meta' },
      ],
    },
  },
};

const blueprints = [...shipped, edgeBlueprint];
const entries = blueprints.flatMap((b) =>
  [...new Set(compileBlueprint(b).lookup.values())].map((e) => [`${b.name}/${e.key}`, e] as const),
);
const paths = [
  ...new Set(
    entries.flatMap(([, e]) =>
      [...e.rows.matchKeys, ...e.rows.customData, ...Object.values(e.rows.fields)].flatMap(
        (row) => row?.sources ?? [],
      ),
    ),
  ),
];

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom('', '  ', 'gold', '12', ' 7 ', 'en-US', 'Jane@Example.com', '2026-11-28T10:00:00.000Z'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }),
);

/** Puts a value at a blueprint path, making the objects and lists on the way (`*` and digits make lists). */
function place(root: Record<string, unknown>, path: string, leaf: unknown, item = 0): void {
  const keys = path.split('.');
  let at: Record<string, unknown> | unknown[] = root;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    const nextIsList = !last && (keys[i + 1] === '*' || /^\d+$/.test(keys[i + 1]!));
    const slot = key === '*' ? item : key;
    const container = at as Record<string | number, unknown>;
    if (last) container[slot] = leaf;
    else {
      const existing = container[slot];
      container[slot] = existing !== null && typeof existing === 'object' ? existing : nextIsList ? [] : {};
      at = container[slot] as Record<string, unknown>;
    }
  });
}

/**
 * Events that hold values of every type at the blueprints' own paths (and sometimes a wrong shape on the way);
 * a `*` list gets items at any of its first four places (holes between them) and items that are no objects.
 */
const starPaths = paths.filter((p) => p.includes('*'));
const event = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...paths), value, fc.nat(3)), { maxLength: 12 }),
    fc.array(fc.tuple(fc.constantFrom(...starPaths), fc.nat(3), scalar), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('traits', 'context', 'properties', 'timestamp'), scalar, { maxKeys: 1 }),
  )
  .map(([placed, oddItems, clobber]) => {
    const root: Record<string, unknown> = {};
    for (const [path, leaf, item] of placed) place(root, path, leaf, item);
    for (const [path, item, odd] of oddItems)
      place(root, path.slice(0, path.indexOf('.*')) + `.${item}`, odd);
    return { ...root, ...clobber };
  });

describe('the generated row reader and match key builder do what the rows mean', () => {
  test.each(entries)('%s, for arbitrary events', (_key, entry) => {
    const compiled = compiledReader(entry.rows);
    const interpreted = interpretedReader(entry.rows);
    const keysCompiled = compiledMatchKeys(entry.rows.matchKeys);
    const keysInterpreted = interpretedMatchKeys(entry.rows.matchKeys);
    fc.assert(
      fc.property(event, fc.constantFrom('US', 'GB', 'DE', 'JP', ''), (e, country) => {
        const values = interpreted(e);
        expect(compiled(e)).toEqual(values);
        expect(keysCompiled(values.matchKeys, country)).toEqual(keysInterpreted(values.matchKeys, country));
      }),
      { numRuns: runs(300), seed: 5 },
    );
  });

  test.each([
    ['a no-break space', '\u00a0', 'fallback'],
    ['an ideographic space and a space', '\u3000 ', 'fallback'],
    ['a byte order mark', '\ufeff', 'fallback'],
    ['a tab and a line feed', '\t\n', 'fallback'],
    ['text after a no-break space', '\u00a0x', '\u00a0x'],
    ['text', 'x', 'x'],
  ])('%s: blank as trim() says, in the generated and the interpreted reader', (_case, text, expected) => {
    const { rows } = compileBlueprint({
      ...edgeBlueprint,
      events: {
        blank: {
          vendor_event_name: 'Blank',
          conversion_type: 'OTHER',
          mappings: [{ source: 'a', default: 'fallback', target: 'partner' }],
        },
      },
    }).lookup.get('blank')!;
    expect(compiledReader(rows)({ a: text }).fields.partner).toBe(expected);
    expect(interpretedReader(rows)({ a: text }).fields.partner).toBe(expected);
  });

  test('the edge rows are read as the blueprint says', () => {
    const entry = compileBlueprint(edgeBlueprint).lookup.get('edge')!;
    const values = entry.read({
      properties: { total: '12.5', tier: 'silver', items: [{ sku: ' A1 ', quantity: 2 }, { quantity: '3' }] },
    });
    const customData = (name: string) =>
      values.customData[entry.rows.customData.findIndex((r) => r.name === name)];
    expect(values.fields.partner).toBe('mapped');
    expect(values.fields.value).toBe(12.5);
    expect(values.fields.eventId).toBe('A1');
    expect(values.fields.unitsSold).toBe(5);
    expect(values.fields.currencyCode).toBeUndefined();
    expect(customData('tier')).toBe('OTHER'); // not gold
    expect(customData('tags')).toBeUndefined(); // no list
  });

  test('path text never becomes code, even in a blueprint that skipped the schema', () => {
    const hostile = [
      'a.b"];globalThis["pwned"]=1;//',
      "a.b'];globalThis['pwned']=1;//",
      'a.`${globalThis["pwned"]=1}`',
      'a.\u2028x',
      '__proto__.polluted',
      'constructor.name',
    ];
    const entry = compileBlueprint({
      ...edgeBlueprint,
      events: {
        hostile: {
          vendor_event_name: 'Hostile',
          conversion_type: 'OTHER',
          mappings: hostile.map((source, i) => ({ source, target: `customData.c${i}` })),
        },
      },
    }).lookup.get('hostile')!;
    const event = { a: { 'b"];globalThis["pwned"]=1;//': 'found', '`${globalThis["pwned"]=1}`': 'too' } };
    const values = entry.read(event);
    expect(entry.read.name).toBe('read'); // the generated reader, not the interpreter it falls back to
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(values.customData).toEqual(['found', undefined, 'too', undefined, undefined, undefined]);
  });

  test.each([
    ['a source that does not convert, default used', { value: 'abc' }, 'properties.value'],
    ['a source that converts to the default itself', { value: '0' }, undefined],
    ['no source, default used', {}, undefined],
  ])('bad sources are named: %s', (_case, properties, bad) => {
    const result = transformEvent(
      {
        type: 'track',
        event: 'edge',
        timestamp: new Date(NOW).toISOString(),
        traits: { email: 'jane@example.com' },
        properties,
      },
      { blueprint: compileBlueprint(edgeBlueprint), defaultCountry: 'US' },
      NOW,
    );
    if (bad)
      expect(result).toMatchObject({ status: 'invalid', error: { code: 'VALUE_INVALID', field: bad } });
    else expect(result).toMatchObject({ status: 'ok', event: { value: 0 } });
  });

  test('objects without a prototype where a scalar is expected give an answer, not an exception', () => {
    const blueprint = compileBlueprint(edgeBlueprint);
    const result = transformEvent(
      {
        type: 'track',
        event: 'edge',
        timestamp: new Date(NOW).toISOString(),
        traits: { email: 'jane@example.com' },
        context: { locale: 'en-US' },
        properties: { tier: Object.create(null), meta: Object.create(null) },
      },
      { blueprint, defaultCountry: 'US' },
      NOW,
    );
    expect(result).toMatchObject({ status: 'invalid', error: { code: 'CUSTOM_DATA_INVALID' } });
  });

  test('where code generation is disabled, the rows are interpreted, with the same values and keys', () => {
    const seed = SEED_EVENT as Record<string, unknown>;
    const script = `
      import { readFileSync } from 'node:fs';
      import { compileBlueprint } from './dist/plugin/transform/compile-blueprint.js';
      const entry = compileBlueprint(JSON.parse(readFileSync('blueprints/default.json', 'utf8'))).lookup.get('purchase');
      const values = entry.read(JSON.parse(process.argv[1]));
      process.stdout.write(JSON.stringify([values, entry.buildMatchKeys(values.matchKeys, 'US')]));`;
    const child = spawnSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script, JSON.stringify(seed)],
      { encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    const entry = compileBlueprint(shipped[0]!).lookup.get('purchase')!;
    const values = entry.read(seed);
    expect(JSON.parse(child.stdout)).toEqual(
      JSON.parse(JSON.stringify([values, entry.buildMatchKeys(values.matchKeys, 'US')])),
    );
  });
});
