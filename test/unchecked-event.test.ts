import { buildAmazonEvent, type UncheckedEvent } from '../plugin/transform/build-event.js';
import { validateAmazonEvent } from '../plugin/transform/validate-event.js';
import { compileBlueprint } from '../plugin/transform/compile-blueprint.js';
import type { AmazonEvent } from '../plugin/amazon/event-types.js';
import type { Blueprint } from '../plugin/transform/model.js';
import { NOW } from './support/transform-harness.js';

/**
 * Building gives an `UncheckedEvent`: the fields a row sets hold whatever the row gave. Only validation makes an
 * `AmazonEvent` of it, so nothing unchecked can reach delivery. The first test is the type checker's
 * (`npm run typecheck` fails when building gives an `AmazonEvent` again); the rest are the runtime half.
 */
const blueprint: Blueprint = {
  version: 2,
  name: 'raw',
  global: { mappings: [] },
  defaults: { action: 'drop' },
  events: {
    buy: {
      vendor_event_name: 'Buy',
      conversion_type: 'OFF_AMAZON_PURCHASES',
      mappings: [
        { value: 'OFFLINE', target: 'eventDescription.eventSource' },
        ...['eventTime', 'value', 'currencyCode', 'unitsSold', 'eventId'].map((target) => ({
          source: `properties.${target}`,
          target,
        })),
      ],
    },
  },
};
const entry = compileBlueprint(blueprint).lookup.get('buy')!;
const decided = {
  country: 'US',
  consent: undefined,
  matchKeys: [{ type: 'EMAIL' as const, values: ['a'.repeat(64)] as [string] }],
  limitedDataUse: false,
};
const usual = {
  eventTime: new Date(NOW).toISOString(),
  value: 12.5,
  currencyCode: 'USD',
  unitsSold: 2,
  eventId: 'B-1',
};
const built = (properties: Record<string, unknown>): UncheckedEvent =>
  buildAmazonEvent(entry, entry.read({ properties: { ...usual, ...properties } }), decided, {});

test('an unchecked event is not an AmazonEvent to the type checker; a validated one is', () => {
  const unchecked = built({});
  // @ts-expect-error building gives an UncheckedEvent: only validateAmazonEvent makes an AmazonEvent of it
  const unsafe: AmazonEvent = unchecked;
  void unsafe;
  const checked = validateAmazonEvent(unchecked, NOW, () => undefined);
  const safe: AmazonEvent | undefined = checked.status === 'ok' ? checked.event : undefined;
  expect(safe).toMatchObject({ eventTime: usual.eventTime, value: 12.5, unitsSold: 2, eventId: 'B-1' });
});

test.each<[string, Record<string, unknown>, string]>([
  ['a time that is an object', { eventTime: { at: 1 } }, 'EVENT_TIME_INVALID'],
  ['a time that is a number (no transform)', { eventTime: NOW }, 'EVENT_TIME_INVALID'],
  ['no time at all', { eventTime: undefined }, 'TIMESTAMP_MISSING'],
  ['a value that is text (no transform)', { value: '12.5' }, 'VALUE_INVALID'],
  ['a value that is a list', { value: [1] }, 'VALUE_INVALID'],
  ['a currency that is a number', { currencyCode: 840 }, 'CURRENCY_INVALID'],
  ['units that are text', { unitsSold: '2' }, 'UNITS_INVALID'],
  ['an eventId that is a number', { eventId: 7 }, 'EVENT_ID_INVALID'],
])('%s: validation answers %s, never an AmazonEvent', (_label, properties, code) => {
  expect(validateAmazonEvent(built(properties), NOW, () => undefined)).toMatchObject({
    status: 'invalid',
    error: { code },
  });
});
