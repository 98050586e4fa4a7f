import { MEMO_TEXT_CHARS, perCountryMemo } from '../plugin/transform/normalize/per-country-memo.js';

describe('a per-country memo stays bounded whatever the input', () => {
  test('it remembers at most its limit of entries, countries and answers counted together', () => {
    const memo = perCountryMemo(5);
    const asked: Array<[string, string]> = [
      ['US', 'a'],
      ['US', 'b'],
      ['DE', 'a'],
      ['FR', 'c'],
      ['US', 'd'],
    ];
    const answers = asked.map(([country, text]) => memo.remember(memo.of(country), text, text.toUpperCase()));
    expect(answers).toEqual(['A', 'B', 'A', 'C', 'D']);
    expect(memo.size).toBe(5);
    expect(['US', 'DE', 'FR'].map((country) => [...memo.of(country)])).toEqual([
      [
        ['a', 'A'],
        ['b', 'B'],
      ],
      [['a', 'A']],
      [],
    ]);
  });

  test(`a text over ${MEMO_TEXT_CHARS} characters is answered but not remembered`, () => {
    const memo = perCountryMemo(10);
    const long = 'x'.repeat(MEMO_TEXT_CHARS + 1);
    expect(memo.remember(memo.of('US'), long, 'too long')).toBe('too long');
    expect(memo.remember(memo.of('US'), long.slice(1), 'fits')).toBe('fits');
    expect([...memo.of('US').keys()]).toEqual([long.slice(1)]);
    expect(memo.size).toBe(2);
  });

  test(`a country over ${MEMO_TEXT_CHARS} characters gets its answers but keeps none`, () => {
    const memo = perCountryMemo(10);
    const country = 'C'.repeat(MEMO_TEXT_CHARS + 1);
    expect(memo.remember(memo.of(country), 'a', 'A')).toBe('A');
    expect([...memo.of(country)]).toEqual([]);
    expect(memo.size).toBe(0);
    expect(memo.remember(memo.of(country.slice(1)), 'a', 'A')).toBe('A');
    expect([...memo.of(country.slice(1))]).toEqual([['a', 'A']]);
  });
});
