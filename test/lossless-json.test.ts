import fc from 'fast-check';
import { parseJsonLossless, quoteLongIntegers } from '../plugin/amazon/lossless-json.js';
import { runs } from './support/property-runs.js';

/** Integers beyond 2^53 keep their exact digits; nothing else changes. */
describe('lossless JSON', () => {
  test.each<[string, string, unknown]>([
    ['an id beyond 2^53', '{"id":9007199254740993}', { id: '9007199254740993' }],
    ['a negative one', '[-12345678901234567]', ['-12345678901234567']],
    ['a document that is one', '12345678901234567', '12345678901234567'],
    [
      'one with spaces around',
      ' \n[ 12345678901234567 ,\t12345678901234568 ] ',
      ['12345678901234567', '12345678901234568'],
    ],
    ['a 20-digit profile id', '{"profileId":12345678901234567890}', { profileId: '12345678901234567890' }],
    [
      'ids after other members',
      '{"a":[1,{"b":"x"}],"c":12345678901234567}',
      { a: [1, { b: 'x' }], c: '12345678901234567' },
    ],
    [
      'digits inside a string stay',
      '{"s":"12345678901234567 \\" 12345678901234567"}',
      { s: '12345678901234567 " 12345678901234567' },
    ],
    ['a string ending in an escaped backslash', '["\\\\",12345678901234567]', ['\\', '12345678901234567']],
    ['a 15-digit integer stays a number', '{"n":123456789012345}', { n: 123456789012345 }],
    ['a long fraction stays a number', '{"n":0.12345678901234567}', { n: Number('0.12345678901234567') }],
    [
      'a long integer part with a fraction stays a number',
      '{"n":12345678901234567.5}',
      { n: Number('12345678901234567.5') },
    ],
    [
      'an exponent stays a number',
      '{"n":1e-12345678901234567,"m":1E+12345678901234567}',
      { n: 0, m: Infinity },
    ],
  ])('%s', (_label, text, parsed) => {
    expect(parseJsonLossless(text)).toEqual(parsed);
  });

  test.each([
    ['a long integer as a key', '{12345678901234567:1}'],
    ['a long integer after a key in an object', '{"a":1,12345678901234567:2}'],
    ['a long integer with a leading zero', '[01234567890123456]'],
    ['an unclosed string after a long integer', '{"n":1234567890123456,"s":"\\"\\"\\"'],
  ])('invalid JSON stays invalid: %s', (_label, text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parseJsonLossless(text)).toThrow(SyntaxError);
  });
});

/** A JSON value whose long integers are written bare in the text and expected back as their digits. */
type Tree =
  null | boolean | number | string | { big: string } | { list: Tree[] } | { members: Array<[string, Tree]> };

/** Strings heavy in what the scanner looks at: digits, quotes, backslashes, JSON punctuation. */
const trickyText = fc.string({ unit: fc.constantFrom(...'0123456789"\\:,[]{}.eE-+ a'), maxLength: 40 });
const safeNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15 + 1, max: 1e15 - 1 }),
  fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }).map(Number),
);
const longInteger = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 10n ** 15n, max: 10n ** 25n }))
  .map(([negative, n]) => ({ big: `${negative ? '-' : ''}${n}` }));
const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');

function trees(withLong: boolean): fc.Arbitrary<Tree> {
  return fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      safeNumber,
      trickyText,
      ...(withLong ? [longInteger] : []),
      fc.array(tie('tree'), { maxLength: 5 }).map((list) => ({ list })),
      fc.array(fc.tuple(trickyText, tie('tree')), { maxLength: 5 }).map((members) => ({ members })),
    ),
  })).tree;
}

/** The text of a tree, long integers bare, with the given whitespace between tokens. */
function write(tree: Tree, ws: string): string {
  if (tree === null || typeof tree !== 'object') return JSON.stringify(tree);
  if ('big' in tree) return tree.big;
  if ('list' in tree) return `[${ws}${tree.list.map((t) => write(t, ws)).join(`${ws},${ws}`)}${ws}]`;
  const members = tree.members.map(([k, v]) => `${JSON.stringify(k)}${ws}:${ws}${write(v, ws)}`);
  return `{${ws}${members.join(`${ws},${ws}`)}${ws}}`;
}

/** The value a reader should give back: long integers as their digits (and -0 as JSON writes it, 0). */
function expected(tree: Tree): unknown {
  if (tree === null || typeof tree !== 'object') return Object.is(tree, -0) ? 0 : tree;
  if ('big' in tree) return tree.big;
  if ('list' in tree) return tree.list.map(expected);
  return Object.fromEntries(tree.members.map(([k, v]) => [k, expected(v)]));
}

describe('lossless JSON against JSON.parse', () => {
  test('with no long integer, it reads what JSON.parse reads, even with long digit runs in strings', () => {
    fc.assert(
      fc.property(trees(false), space, (tree, ws) => {
        const text = write(tree, ws);
        expect(parseJsonLossless(text)).toEqual(JSON.parse(text));
        expect(quoteLongIntegers(text)).toBe(text);
      }),
      { numRuns: runs(400) },
    );
  });

  test('long integers anywhere a value stands come back as their exact digits', () => {
    fc.assert(
      fc.property(trees(true), space, (tree, ws) => {
        expect(parseJsonLossless(write(tree, ws))).toEqual(expected(tree));
      }),
      { numRuns: runs(400) },
    );
  });

  test('any text: it throws exactly where JSON.parse throws', () => {
    const jsonish = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789"\\:,[]{}.eE-+ tn'), maxLength: 60 }),
      fc.tuple(trees(true), fc.nat(), fc.string({ maxLength: 3 })).map(([tree, at, junk]) => {
        const text = write(tree, ' ');
        const i = at % (text.length + 1);
        return text.slice(0, i) + junk + text.slice(i);
      }),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        let plain = true;
        try {
          JSON.parse(text);
        } catch {
          plain = false;
        }
        let lossless = true;
        try {
          parseJsonLossless(text);
        } catch {
          lossless = false;
        }
        expect(lossless).toBe(plain);
      }),
      { numRuns: runs(1000) },
    );
  });
});
