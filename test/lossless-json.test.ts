import { parseJsonLossless } from '../plugin/amazon/lossless-json.js';

/** Integers beyond 2^53 keep their exact digits; nothing else changes. */
describe('lossless JSON', () => {
  test.each<[string, string, unknown]>([
    ['an id beyond 2^53', '{"id":9007199254740993}', { id: '9007199254740993' }],
    ['a negative one', '[-12345678901234567]', ['-12345678901234567']],
    ['a document that is one', '12345678901234567', '12345678901234567'],
    ['a 20-digit profile id', '{"profileId":12345678901234567890}', { profileId: '12345678901234567890' }],
    [
      'digits inside a string stay',
      '{"s":"12345678901234567 \\" 12345678901234567"}',
      { s: '12345678901234567 " 12345678901234567' },
    ],
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
});
