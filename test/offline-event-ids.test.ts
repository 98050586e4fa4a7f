import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { SchemaRegistry } from '../plugin/schemas/schema-registry.js';
import { compileBlueprint } from '../plugin/transform/compile-blueprint.js';
import type { Blueprint } from '../plugin/transform/model.js';
import { transformEvent } from '../plugin/transform/transform-event.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { destination, installationFor, leadBlueprint, seedWith, NOW } from './support/transform-harness.js';
import { runCli, sandboxEnv } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * Amazon keeps one event per eventId across every conversion type. A purchase's order (or transaction) id is the
 * one id the web purchase and the Ad Tag share, so it is sent as it is and the CRM row pairs with them. The
 * offline blueprint namespaces every other business id by its conversion type, so an order and a lead with the
 * same number stay two conversions, and never takes a person's id (member_id) as an eventId: each sign-up is
 * its own event.
 */
const offline = installationFor('offline');
const eventIdOf = (event: unknown): unknown => {
  const result = destination.transform(event, offline);
  if (result.status !== 'ok') throw new Error(JSON.stringify(result));
  return result.event.eventId;
};
const row = (event: string, properties: Record<string, unknown>, messageId = `m-${event}`) =>
  seedWith({ event, properties: { transaction_id: undefined, ...properties }, messageId });

describe('offline eventIds: the order id as it is, other business ids namespaced by conversion type', () => {
  test.each<[string, unknown, string]>([
    ['an order: its id as the web and the Ad Tag send it', row('purchase', { order_id: '1001' }), '1001'],
    ['a transaction id when the order has none', row('purchase', { transaction_id: '1009' }), '1009'],
    ['a lead with the same number', row('generate_lead', { lead_id: '1001' }), 'lead:1001'],
    [
      'an application with the same number',
      row('submit_application', { application_id: 1001 }),
      'application:1001',
    ],
    ['a receipt id when the order has none', row('purchase', { receipt_id: 'R-9' }), 'purchase:R-9'],
    ['an order without a business id: its messageId', row('purchase', {}, 'msg-1'), 'purchase:msg-1'],
    ['a lead without one', row('generate_lead', {}, 'msg-2'), 'lead:msg-2'],
    [
      'a sign-up: its own messageId, never the member id',
      row('sign_up', { member_id: 'M-7' }, 'msg-3'),
      'signup:msg-3',
    ],
    // The Ad Tag's id pairs the event with the tag's (docs/ad-tag.md): it is sent as it is, never prefixed.
    [
      'a lead carrying the Ad Tag id',
      row('generate_lead', { lead_id: '1001', amazon_event_id: 'tag-77' }),
      'tag-77',
    ],
    [
      'an order carrying the Ad Tag id',
      row('purchase', { order_id: '1001', amazon_event_id: 'tag-78' }),
      'tag-78',
    ],
    ['a sign-up carrying the Ad Tag id', row('sign_up', { amazon_event_id: 'tag-79' }), 'tag-79'],
  ])('%s → %s', (_label, event, id) => {
    expect(eventIdOf(event)).toBe(id);
  });

  test('two sign-ups of the same member stay two events', () => {
    const first = eventIdOf(row('sign_up', { member_id: 'M-7' }, 'a'));
    const second = eventIdOf(row('sign_up', { member_id: 'M-7' }, 'b'));
    expect(first).not.toBe(second);
    expect(`${String(first)}${String(second)}`).not.toContain('M-7');
  });

  test('the same row gives the same eventId every time (a re-upload adds nothing at Amazon)', () => {
    const order = row('purchase', { order_id: '1001' });
    expect(eventIdOf(structuredClone(order))).toBe(eventIdOf(order));
  });
});

describe('the blueprint row feature: prefix', () => {
  const schemas = new SchemaRegistry();
  const blueprint = (mapping: Record<string, unknown>): Blueprint => leadBlueprint('prefix', mapping);

  test.each<[string, Record<string, unknown>, string[]]>([
    ['with a source', { source: 'properties.lead_id', target: 'eventId', prefix: 'lead:' }, []],
    [
      'per source',
      {
        source: ['properties.tag_id', 'properties.lead_id'],
        target: 'eventId',
        prefix: { 'properties.lead_id': 'lead:' },
      },
      [],
    ],
    [
      'per source, one with a space',
      { source: 'properties.lead_id', target: 'eventId', prefix: { 'properties.lead_id': 'a lead ' } },
      [
        "events.lead.mappings.3.prefix: must be a prefix text, or an object giving some of the row's sources a prefix text each",
      ],
    ],
    [
      'without a source',
      { value: 'x', target: 'eventId', prefix: 'lead:' },
      ['events.lead.mappings.3.source: is required when prefix is set'],
    ],
    [
      'with a space in it',
      { source: 'properties.lead_id', target: 'eventId', prefix: 'a lead ' },
      [
        "events.lead.mappings.3.prefix: must be a prefix text, or an object giving some of the row's sources a prefix text each",
      ],
    ],
  ])('the schema takes a prefix %s: %j', (_label, mapping, errors) => {
    expect(schemas.validate('blueprint', blueprint(mapping)).map((e) => `${e.field}: ${e.message}`)).toEqual(
      errors,
    );
  });

  test.each<[string, Record<string, unknown>, unknown]>([
    ['the first source, not prefixed', { tag_id: 'T-1', lead_id: 'L-1' }, 'T-1'],
    ['the second source, prefixed', { lead_id: 'L-1' }, 'lead:L-1'],
  ])('per source: %s', (_label, properties, id) => {
    const compiled = compileBlueprint(
      blueprint({
        source: ['properties.tag_id', 'properties.lead_id'],
        target: 'eventId',
        prefix: { 'properties.lead_id': 'lead:' },
      }),
    );
    const event = {
      type: 'track',
      event: 'lead',
      timestamp: new Date(NOW).toISOString(),
      traits: { email: 'a@b.co' },
      properties,
    };
    const result = transformEvent(event, { blueprint: compiled, defaultCountry: 'US' }, NOW);
    expect(result.status === 'ok' && result.event.eventId).toBe(id);
  });

  test.each<[string, unknown, unknown]>([
    ['text', 'L-1', 'lead:L-1'],
    ['a number', 42, 'lead:42'],
    ['an object (no value: the next source, else none)', { id: 1 }, undefined],
    ['a list', ['a'], undefined],
  ])('a value that is %s', (_label, value, id) => {
    const compiled = compileBlueprint(
      blueprint({ source: 'properties.lead_id', target: 'eventId', prefix: 'lead:' }),
    );
    const event = {
      type: 'track',
      event: 'lead',
      timestamp: new Date(NOW).toISOString(),
      traits: { email: 'a@b.co' },
      properties: { lead_id: value },
    };
    const result = transformEvent(event, { blueprint: compiled, defaultCountry: 'US' }, NOW);
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.status === 'ok' && result.event.eventId).toBe(id);
  });
});

describe('upload: an order and a lead with the same number reach Amazon as two conversions', () => {
  const dir = tempDirForFile('offline-ids-');
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(() => sandbox.close());

  test('one CRM file of orders, leads and sign-ups sharing numbers and a member: five rows, five events', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const csv = join(dir, 'crm.csv');
    writeFileSync(
      csv,
      [
        'Type,Order,Lead,Application,Member,Email,Date',
        `purchase,1001,,,,a@example.com,${yesterday}`,
        `generate_lead,,1001,,,b@example.com,${yesterday}`,
        `submit_application,,,1001,,c@example.com,${yesterday}`,
        `sign_up,,,,M-7,d@example.com,${yesterday}`,
        `sign_up,,,,M-7,d@example.com,${new Date(Date.now() - 3_600_000).toISOString()}`,
      ].join('\n'),
    );
    const mapping = join(dir, 'crm-mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        defaults: { 'traits.address.country': 'US' },
        columns: {
          Type: 'event',
          Order: 'properties.order_id',
          Lead: 'properties.lead_id',
          Application: 'properties.application_id',
          Member: 'properties.member_id',
          Email: 'traits.email',
          Date: { path: 'timestamp', type: 'date' },
        },
      }),
    );
    const env = sandboxEnv(sandbox.url);
    const config = join(PACKAGE_ROOT, 'examples/seed-config.json');
    const args = ['upload', '--config', config, '--mapping', mapping, '--json', csv];
    const first = await runCli(args, env);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 5, delivered: 5, invalid: 0 });
    const ids = [...sandbox.accepted.keys()].map((k) => k.slice(k.indexOf(':') + 1));
    expect(ids).toHaveLength(5);
    expect(ids.filter((id) => id.endsWith('1001')).sort()).toEqual(['1001', 'application:1001', 'lead:1001']);
    expect(ids.filter((id) => id.startsWith('signup:'))).toHaveLength(2);
    // Uploaded again: the same rows give the same ids, and Amazon keeps five.
    await runCli(args, env);
    expect(sandbox.accepted.size).toBe(5);
  });
});
