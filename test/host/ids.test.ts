import fc from 'fast-check';
import { newId } from '../../host/ids.js';
import { runs } from '../support/property-runs.js';

/** Record ids: Signal's shape, unique, and in time order so the database's indexes on them grow at their end. */
describe('newId', () => {
  test.each(['evt', 'rev', 'tmpl'] as const)('%s ids are the prefix and 20 base-32 characters', (prefix) => {
    expect(newId(prefix)).toMatch(new RegExp(`^${prefix}_[a-z2-7]{20}$`));
  });

  test('an id made later sorts after one made earlier (any two times to the millisecond, up to year 10000)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (earlier, gap) => {
          expect(newId('evt', earlier) < newId('evt', earlier + gap)).toBe(true);
        },
      ),
      { numRuns: runs(2_000), seed: 19 },
    );
  });

  test('ids made in the same millisecond share their time part and differ in their random part', () => {
    const at = Date.UTC(2026, 11, 1, 17, 0, 0, 123);
    const ids = Array.from({ length: 10_000 }, () => newId('evt', at));
    expect(new Set(ids.map((id) => id.slice(4, 14))).size).toBe(1);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
