import fc from 'fast-check';
import { everyCharIn, replaceRunsOutside } from '../plugin/transform/char-class.js';
import { isPreHashed } from '../plugin/transform/normalize/match-keys.js';
import { RULES } from '../plugin/transform/normalize/tag-rules.js';
import { VALUE_TRANSFORMS } from '../plugin/transform/value-transforms.js';
import { runs } from './support/property-runs.js';

/**
 * The character-class loops stand in for regular expressions on the per-event path; for any text they must
 * give what the regular expression gives.
 */
const anyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc
    .array(fc.constantFrom('a', 'Z', '9', '_', '-', ' ', '.', '@', 'é', 'e\u0301', '\t', 'ß', '😀'), {
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
);

const CLASSES: Array<[string, string]> = [
  ['letters', 'A-Za-z'],
  ['letters and digits', 'A-Za-z0-9'],
  ['email characters', 'A-Za-z0-9.@_-'],
  ['customData characters', 'A-Za-z0-9_'],
];

describe('character classes give what the regular expression gives', () => {
  test.each(CLASSES)('%s: every character in the class, and runs outside it replaced', (_name, chars) => {
    const member = (char: string): boolean => new RegExp(`^[${chars}]$`).test(char);
    const every = everyCharIn(member);
    const drop = replaceRunsOutside(member, '');
    const join = replaceRunsOutside(member, '_');
    fc.assert(
      fc.property(anyText, (text) => {
        expect(every(text)).toBe(new RegExp(`^[${chars}]*$`).test(text));
        expect(drop(text)).toBe(text.replace(new RegExp(`[^${chars}]+`, 'g'), ''));
        expect(join(text)).toBe(text.replace(new RegExp(`[^${chars}]+`, 'g'), '_'));
      }),
      { numRuns: runs(2_000), seed: 11 },
    );
  });

  test.each([
    ['a dash', 'SKU-001', 'SKU_001'],
    ['a space', 'Trail shoe', 'Trail_shoe'],
    ['underscores at the ends', '__Acme__', 'Acme'],
    ['runs at the ends and inside', '--a--b--', 'a_b'],
    ['accents', 'Crème brûlée', 'Creme_brulee'],
    ['nothing allowed', 'Ω', undefined],
    ['nothing', '', undefined],
    ['300 letters', 'a'.repeat(300), 'a'.repeat(256)],
  ])('custom_data_value with %s', (_case, input, expected) => {
    expect(VALUE_TRANSFORMS.custom_data_value!(input)).toBe(expected);
  });

  test('custom_data_value, for any text, is accents stripped, runs of other characters as _, _ trimmed, 256 at most', () => {
    const byRegex = (text: string): string | undefined =>
      text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^A-Za-z0-9_]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 256) || undefined;
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ minLength: 250, maxLength: 300 })), (text) => {
        expect(VALUE_TRANSFORMS.custom_data_value!(text)).toBe(byRegex(text));
      }),
      { numRuns: runs(3_000), seed: 12 },
    );
  });

  test('isPreHashed, for any text, is the pre-hashed expression of the rules', () => {
    const expression = new RegExp(RULES.preHashed.regex);
    const hexLike = fc
      .array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: 63, maxLength: 65 })
      .chain((chars) =>
        fc.tuple(fc.nat(chars.length), anyText).map(([at, odd]) => {
          const text = chars.join('');
          return odd.length > 0 && at % 3 === 0 ? text.slice(0, at) + odd[0] + text.slice(at + 1) : text;
        }),
      );
    fc.assert(
      fc.property(fc.oneof(hexLike, anyText), (text) => {
        expect(isPreHashed(text)).toBe(expression.test(text));
      }),
      { numRuns: runs(3_000), seed: 13 },
    );
  });
});
