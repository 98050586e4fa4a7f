import fc from 'fast-check';
import { destination, installationFor, NOW, SEED_EVENT } from './support/transform-harness.js';
import type { Installation } from '../plugin/installation.js';
import type { TransformResult } from '../plugin/contracts.js';
import { errorsAgainst } from './support/amazon-openapi.js';
import { FIELD_TARGETS } from '../plugin/transform/model.js';
import { VALUE_TRANSFORMS } from '../plugin/transform/value-transforms.js';
import { runs } from './support/property-runs.js';

const installs = [
  installationFor('default'),
  installationFor('offline'),
  installationFor('mobile_app'),
  installationFor('default', {}, 'EU'),
];
const letters = fc.string({ unit: fc.constantFrom(...'ghijklmnopqrstuvwxyz'), minLength: 6, maxLength: 12 });

/** Canonical-looking events whose every field may be any JSON value, including the wrong type. */
const looseEvent = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'page', 'screen', 'identify'), fc.jsonValue()),
    event: fc.oneof(
      fc.constantFrom('purchase', 'add_to_cart', 'Order Completed', 'first_open', 'page_view'),
      fc.jsonValue(),
    ),
    properties: fc.oneof(
      fc.dictionary(
        fc.constantFrom('value', 'currency', 'items', 'transaction_id', 'order_id'),
        fc.jsonValue(),
      ),
      fc.jsonValue(),
    ),
    traits: fc.oneof(
      fc.dictionary(fc.constantFrom('email', 'phone', 'first_name', 'address'), fc.jsonValue()),
      fc.jsonValue(),
    ),
    context: fc.oneof(
      fc.dictionary(fc.constantFrom('locale', 'ip', 'consent', 'device', 'os', 'page'), fc.jsonValue()),
      fc.jsonValue(),
    ),
    timestamp: fc.oneof(
      fc.constant(SEED_EVENT.timestamp),
      fc.integer({ min: NOW - 30 * 86400_000, max: NOW + 86400_000 }),
      fc.jsonValue(),
    ),
    messageId: fc.oneof(fc.uuid(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

/**
 * transform's answer for an event: one of ok / filtered / invalid, and an ok event valid (as JSON, as Amazon
 * receives it) against EventCreate. Gives the answer back for further checks.
 */
function checkedResult(event: unknown, installation: Installation): TransformResult {
  const result = destination.transform(event, installation);
  expect(['ok', 'filtered', 'invalid']).toContain(result.status);
  expect(result.status === 'ok' ? errorsAgainst('EventCreate', result.event) : []).toEqual([]);
  return result;
}

/** The event property a custom row reads its target from: `matchKeys.EMAIL` from `properties.matchKeys_EMAIL`. */
const propertyOf = (target: string): string => target.replace('.', '_');

/** An installation with one custom purchase event, `custom`, whose rows read each target from its property. */
function customEventInstall(targets: string[], transforms: Array<string | undefined> = []): Installation {
  const mappings = targets.map((target, i) => ({
    source: `properties.${propertyOf(target)}`,
    target,
    ...(transforms[i] ? { transform: transforms[i] } : {}),
  }));
  return installationFor('default', {
    custom_events: {
      custom: { vendor_event_name: 'Custom', conversion_type: 'OFF_AMAZON_PURCHASES', mappings },
    },
  });
}

describe('transform, for any input', () => {
  test('never throws, always one of ok / filtered / invalid, and ok is valid against EventCreate', () => {
    const statuses = new Set<string>();
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), looseEvent),
        fc.constantFrom(...installs),
        (event, installation) => {
          const result = checkedResult(event, installation);
          statuses.add(result.status);
          const code =
            result.status === 'invalid'
              ? result.error.code
              : result.status === 'filtered'
                ? result.reason.code
                : 'OK';
          expect(code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { numRuns: runs(400), seed: 20261128 },
    );
    // Both refusals were met, so both checks above ran. Random events are never ok (no match key survives
    // chance): the ok answer and its EventCreate check are the next property's, which asserts it met them.
    expect([...statuses].sort()).toEqual(['filtered', 'invalid']);
  });

  test('a custom event that maps every Amazon field straight from the event, with no transform, gives ok, filtered or invalid, and ok is valid against EventCreate', () => {
    const targets = [
      ...FIELD_TARGETS,
      'customData.data',
      'matchKeys.EMAIL',
      'matchKeys.ADDRESS',
      'matchKeys.FIP',
    ];
    const raw = customEventInstall(targets);
    const usual: Record<string, unknown> = {
      'eventDescription.eventSource': 'WEBSITE',
      eventTime: SEED_EVENT.timestamp,
      countryCode: 'US',
      eventId: 'order-1',
      value: 12.5,
      currencyCode: 'USD',
      unitsSold: 2,
      'deviceInfo.userAgent': 'Mozilla/5.0',
      amazonAdEventKey: 'key',
      arefMeasurementTokens: 'token',
      partner: 'partner',
      'customData.data': 'blue',
      'matchKeys.EMAIL': 'jane@example.com',
      'matchKeys.ADDRESS': '1 Main Street',
      'matchKeys.FIP': '203.0.113.7',
    };
    // Mostly the usual value, so that many events are sent and checked against Amazon's schema.
    const properties = fc.record(
      Object.fromEntries(
        targets.map((target) => [
          propertyOf(target),
          fc.oneof({ arbitrary: fc.constant(usual[target]), weight: 9 }, fc.jsonValue({ maxDepth: 2 })),
        ]),
      ),
    );
    const statuses = new Set<string>();
    fc.assert(
      fc.property(properties, (props) => {
        statuses.add(checkedResult({ type: 'track', event: 'custom', properties: props }, raw).status);
      }),
      { numRuns: runs(600), seed: 20261129 },
    );
    expect([...statuses].sort()).toEqual(['invalid', 'ok']);
  });

  test('the same with any of the named transforms on those rows: never thrown, and ok is valid against EventCreate', () => {
    // The event's source, time and country come from the blueprint's global rows, so that many events are sent.
    const given = ['eventDescription.eventSource', 'eventTime', 'countryCode'];
    const targets = [
      ...FIELD_TARGETS.filter((target) => !given.includes(target)),
      'customData.data',
      'matchKeys.PHONE',
      'matchKeys.POSTAL',
      'matchKeys.STATE',
    ];
    const transforms = Object.keys(VALUE_TRANSFORMS);
    const setup = fc.array(fc.option(fc.constantFrom(...transforms), { nil: undefined }), {
      minLength: targets.length,
      maxLength: targets.length,
    });
    const properties = fc.record(
      Object.fromEntries(
        targets.map((target) => [
          propertyOf(target),
          fc.oneof(
            fc.constantFrom(
              'WEBSITE',
              'US',
              'en-US',
              '2026-02-25T14:30:00.000Z',
              '12.5',
              3,
              'Texas',
              '98101',
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ]),
      ),
    );
    const statuses = new Set<string>();
    fc.assert(
      fc.property(setup, properties, (chosen, props) => {
        const event = { ...SEED_EVENT, type: 'track', event: 'custom', properties: props };
        statuses.add(checkedResult(event, customEventInstall(targets, chosen)).status);
      }),
      { numRuns: runs(1_000), seed: 11 },
    );
    expect([...statuses].sort()).toEqual(['invalid', 'ok']);
  });

  test('no raw email, phone or name from the input ever appears in the output', () => {
    fc.assert(
      fc.property(
        letters,
        letters,
        letters,
        fc.integer({ min: 2000000, max: 9999999 }),
        (local, first, last, digits) => {
          const email = `${local}.${first}@${last}.example`;
          const phone = `+1 (415) ${String(digits).slice(0, 3)}-${String(digits).slice(3)}`;
          const event = {
            ...SEED_EVENT,
            traits: { ...SEED_EVENT.traits, email, phone, first_name: first, last_name: last },
          };
          const text = JSON.stringify(destination.transform(event, installs[0]!));
          for (const raw of [email, email.toLowerCase(), phone, first, last, local, `1415${digits}`])
            expect(text).not.toContain(raw);
        },
      ),
      { numRuns: runs(200), seed: 7 },
    );
  });
});
