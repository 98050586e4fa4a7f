import fc from 'fast-check';
import { isoUtcMs, isoUtcTime, parseTime } from '../plugin/transform/iso-time.js';
import { runs } from './support/property-runs.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** What `isoUtcMs` must give: Date.parse's answer when the text survives the round trip unchanged, else NaN. */
function strictly(text: string): number {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text ? ms : NaN;
}

describe('ISO date-times are read strictly and cheaply', () => {
  test('every YYYY-MM-DDTHH:MM:SS.sssZ text, fields in range or not, reads as Date.parse with a round trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 999 }),
        (y, mo, d, h, mi, s, ms) => {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
          expect(isoUtcMs(text)).toBe(strictly(text));
        },
      ),
      { numRuns: runs(3_000), seed: 3 },
    );
  });

  test.each([
    ['2024-02-29T12:00:00.000Z', Date.UTC(2024, 1, 29, 12)],
    ['2023-02-29T12:00:00.000Z', NaN],
    ['1900-02-29T00:00:00.000Z', NaN],
    ['2000-02-29T00:00:00.000Z', Date.UTC(2000, 1, 29)],
    ['2026-11-28T24:00:00.000Z', NaN],
    ['0042-01-01T00:00:00.000Z', Date.parse('0042-01-01T00:00:00.000Z')],
    ['2026-11-28T10:00:00+01:00', Date.UTC(2026, 10, 28, 9)],
  ])('parseTime(%s)', (text, expected) => {
    expect(parseTime(text)).toBe(expected);
  });

  test('the remembered last answer belongs to its own text only', () => {
    const a = '2026-11-28T10:00:00.000Z';
    const b = '2026-11-28T11:00:00.000Z';
    const asked = [a, a, b, 'tomorrow', a, '2026-02-30T00:00:00.000Z', b].map((text) => isoUtcTime(text));
    expect(asked).toEqual([
      Date.parse(a),
      Date.parse(a),
      Date.parse(b),
      undefined,
      Date.parse(a),
      NaN,
      Date.parse(b),
    ]);
    expect([parseTime(a), parseTime('2026-11-28T11:00:00+01:00'), parseTime(a)]).toEqual([
      Date.parse(a),
      Date.UTC(2026, 10, 28, 10),
      Date.parse(a),
    ]);
  });
});
