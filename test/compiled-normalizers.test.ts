import fc from 'fast-check';
import {
  RULES,
  plainTagNormalizer,
  tableEntries,
  tagNormalizer,
} from '../plugin/transform/normalize/tag-rules.js';
import { runs } from './support/property-runs.js';

/**
 * Compiled normalisers merge runs of word steps, and the address rule runs word by word with each word's
 * result remembered. Given the text trimmed (as every match key value is), they must give exactly what the
 * rule's steps give one by one, for any text and country.
 */
const countryTables = Object.entries(RULES.tables.addressMap).filter(
  (entry): entry is [string, Record<string, string>] => typeof entry[1] === 'object',
);
const globalWords = ['defaultAddressMap', 'directionMap', 'numberMap'].flatMap((t) => tableEntries(t).flat());
const oddBits = [
  ...tableEntries('delimiterMap').map(([from]) => from),
  ...tableEntries('specialCharacterMap').map(([from]) => from),
  ' ',
  '  ',
  '\t',
  '№',
  'É',
  'STREET',
];
const sharedWord = fc.constantFrom(...globalWords, ...oddBits);
const houseNumber = fc.stringMatching(/^[0-9]{1,4}[a-z]?$/);
const countries = [...countryTables.map(([c]) => c), 'gb', 'de', 'ca', 'jp', ''];
/**
 * A country, and text made of its own table's words, the shared tables' words, odd characters and noise. Each
 * country's generator is built once: built inside `chain`, fast-check made a new one (with its hundreds of
 * constants) for every case, which took 5 ms a case.
 */
const textFor = new Map(
  countries.map((country) => {
    const own = Object.entries(countryTables.find(([c]) => c === country)?.[1] ?? {}).flat();
    const word = fc.oneof(
      sharedWord,
      own.length > 0 ? fc.constantFrom(...own) : fc.constant('street'),
      houseNumber,
      fc.string({ maxLength: 6 }),
    );
    const address = fc
      .array(fc.tuple(word, fc.constantFrom(' ', '', ', ', '. ', '-')), { minLength: 1, maxLength: 7 })
      .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
    return [
      country,
      fc.tuple(fc.constant(country.toUpperCase()), fc.oneof(address, fc.string({ maxLength: 40 }))),
    ];
  }),
);
const countryAndText = fc.constantFrom(...countries).chain((country) => textFor.get(country)!);

describe('compiled normalisers give what the rule gives step by step', () => {
  test.each(Object.keys(RULES.matchKeys))('%s, for arbitrary text in every country', (type) => {
    const compiled = tagNormalizer(type);
    const plain = plainTagNormalizer(type);
    fc.assert(
      fc.property(countryAndText, ([c, raw]) => {
        expect(compiled(raw.trim(), c)).toBe(plain(raw, c));
      }),
      { numRuns: runs(1_500), seed: 7 },
    );
  });

  test('ADDRESS with a house number in front, whatever stands between the number and the street', () => {
    const compiled = tagNormalizer('ADDRESS');
    const plain = plainTagNormalizer('ADDRESS');
    const houseNumberFirst = fc
      .tuple(
        fc.constantFrom(...countryTables.map(([c]) => c.toUpperCase()), 'GB', 'JP'),
        fc.stringMatching(/^[0-9]{1,5}$/),
        fc.constantFrom(' ', '  ', ' \t', '\t', ' \u00a0', ' \n', '\u3000', '', ' -', ' #', '-'),
        fc.constantFrom(...globalWords, ...oddBits, 'Main Street', 'main st'),
        fc.string({ maxLength: 8 }),
      )
      .map(([country, number, between, word, tail]) => [country, number + between + word + tail] as const);
    fc.assert(
      fc.property(houseNumberFirst, ([c, raw]) => {
        expect(compiled(raw.trim(), c)).toBe(plain(raw, c));
      }),
      { numRuns: runs(2_000), seed: 7 },
    );
  });

  test('word by word, words that the delimiter and accent steps split or fold come out as the steps say', () => {
    const compiled = tagNormalizer('ADDRESS');
    const plain = plainTagNormalizer('ADDRESS');
    expect(compiled('123 North Oak Avenue', 'US')).toBe('123noakave');
    expect(compiled('12 Elm Blvd.', 'US')).toBe('12elmblvd');
    expect(compiled('4-B Main St.,Apt #2', 'US')).toBe(plain('  4-B Main St.,Apt #2 ', 'US'));
    expect(compiled('5 Allée des Roses', 'FR')).toBe(plain('5 Allée des Roses', 'FR'));
    // The same word again, now remembered, in another country and in this one.
    expect(compiled('5 Allée des Roses', 'US')).toBe(plain('5 Allée des Roses', 'US'));
    expect(compiled('5 Allée des Roses', 'FR')).toBe(plain('5 Allée des Roses', 'FR'));
  });
});
