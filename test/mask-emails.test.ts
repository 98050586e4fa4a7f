import fc from 'fast-check';
import { redactValue } from '../plugin/index.js';
import { redactText } from '../plugin/logging/redact.js';
import { maskEmails } from '../plugin/logging/mask-emails.js';
import { runs } from './support/property-runs.js';

/** What counts as an e-mail address in free text (the shape the masks used to search for with a regex). */
const EMAIL = /[\w.%+-]+@[a-z\d.-]+\.[a-z]{2,}/i;

describe('e-mail masks', () => {
  test.each([
    ['an address in a sentence', 'mail jane.doe+x@example.co.uk now', 'mail [EMAIL] now'],
    ['two addresses', 'a@b.io,c_d%e@f-g.org', '[EMAIL],[EMAIL]'],
    ['a domain without a dot and two letters stays', 'user@localhost and a@b.c', 'user@localhost and a@b.c'],
    ['an @ with nothing before it stays', '@handle.example', '@handle.example'],
    ['text without an @ stays', 'no address here', 'no address here'],
  ])('%s', (_label, text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });

  test('in a logged value, keys that hold an address are masked too', () => {
    expect(redactValue({ props: { 'jane@example.org': 1, note: 'to jane@example.org' } })).toEqual({
      props: { '[EMAIL]': 1, note: 'to [EMAIL]' },
    });
  });

  test('no address survives, whatever surrounds it', () => {
    const pieces = fc.constantFrom('a', 'bc', 'Z9', '_', '.', '@', '%', '+', '-', ' ', '.io', '@x.', '"');
    const text = fc.array(pieces, { maxLength: 24 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, (text) => {
        expect(EMAIL.test(maskEmails(text))).toBe(false);
        if (!text.includes('@')) expect(maskEmails(text)).toBe(text);
      }),
      { numRuns: runs(2000) },
    );
  });

  test.each([
    ['a local part run with no @', 'a'.repeat(200_000)],
    ['a local part run ending in @', `${'a'.repeat(200_000)}@`],
    ['many @ with domains that never end in letters', 'a@1.'.repeat(50_000)],
    ['a domain run with no top-level part', `a@${'b-'.repeat(100_000)}`],
  ])('linear on 200 KB: %s', (_label, text) => {
    const started = performance.now();
    redactText(text);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
