import fc from 'fast-check';
import {
  RULES,
  plainTagNormalizer,
  tableEntries,
  tagNormalizer,
} from '../plugin/transform/normalize/tag-rules.js';

/**
 * The compiled address normaliser merges runs of word steps and takes a word-wise shortcut when no substring
 * step can apply. Both must give exactly what the rule's steps give one by one, for any text and country.
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
/** A country, and text made of its own table's words, the shared tables' words, odd characters and noise. */
const countryAndText = fc
  .constantFrom(...countryTables.map(([c]) => c), 'gb', 'de', 'ca', 'jp', '')
  .chain((country) => {
    const own = Object.entries(countryTables.find(([c]) => c === country)?.[1] ?? {}).flat();
    const word = fc.oneof(
      fc.constantFrom(...globalWords, ...oddBits),
      own.length > 0 ? fc.constantFrom(...own) : fc.constant('street'),
      fc.stringMatching(/^[0-9]{1,4}[a-z]?$/),
      fc.string({ maxLength: 6 }),
    );
    const address = fc
      .array(fc.tuple(word, fc.constantFrom(' ', '', ', ', '. ', '-')), { minLength: 1, maxLength: 7 })
      .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
    return fc.tuple(fc.constant(country.toUpperCase()), fc.oneof(address, fc.string({ maxLength: 40 })));
  });

describe('compiled normalisers give what the rule gives step by step', () => {
  test.each(Object.keys(RULES.matchKeys))('%s, for arbitrary text in every country', (type) => {
    const compiled = tagNormalizer(type);
    const plain = plainTagNormalizer(type);
    fc.assert(
      fc.property(countryAndText, ([c, raw]) => {
        expect(compiled(raw, c)).toBe(plain(raw, c));
      }),
      { numRuns: 1_500, seed: 7 },
    );
  });

  test('the address shortcut and the merged steps are both exercised by those runs', () => {
    const compiled = tagNormalizer('ADDRESS');
    // No delimiter: the shortcut; a delimiter: the merged full steps; an accent-producing country table: full steps.
    expect(compiled('123 North Oak Avenue', 'US')).toBe('123noakave');
    expect(compiled('12 Elm Blvd.', 'US')).toBe('12elmblvd');
    expect(compiled('5 Allée des Roses', 'FR')).toBe(
      plainTagNormalizer('ADDRESS')('5 Allée des Roses', 'FR'),
    );
  });
});
