import fc from 'fast-check';
import { redactValue } from '../plugin/index.js';
import { redactText } from '../plugin/logging/redact.js';
import { maskEmails } from '../plugin/logging/mask-emails.js';
import { maskPersonalText } from '../plugin/logging/mask-personal-text.js';
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

describe('free text from outside (maskPersonalText)', () => {
  test.each([
    ['an IPv4 literal', 'from 203.0.113.5.', 'from [REDACTED].'],
    ['an IPv6 literal', 'from 2001:db8::1 and ::1', 'from [REDACTED] and [REDACTED]'],
    ['an SSN', 'ssn 078-05-1120', 'ssn [REDACTED]'],
    ['a phone in parts', 'call (415) 555-0199 or +44 20 7946 0958', 'call [REDACTED] or [REDACTED]'],
    ['any 7 digits', 'id 4155550', 'id [REDACTED]'],
    ['a card number', '4111 1111 1111 1111', '[REDACTED]'],
    ['a name', 'Jane Doe bought', '[REDACTED] bought'],
    ['an e-mail', 'to jane@example.org', 'to [EMAIL]'],
    ['codes and paths stay', "BAD_REQUEST at 'events.12.eventTime'", "BAD_REQUEST at 'events.12.eventTime'"],
    [
      'short numbers and versions stay',
      'between 1 and 500 events, v2.4.1',
      'between 1 and 500 events, v2.4.1',
    ],
    ['a time stays', 'at 10:00:00Z', 'at 10:00:00Z'],
    ['one capitalised word stays', 'Member must not be null', 'Member must not be null'],
    [
      "the product's own names stay, a name among them does not",
      'see the Delivery Log in Events Manager; Jane Events',
      'see the Delivery Log in Events Manager; [REDACTED]',
    ],
  ])('%s', (_label, text, masked) => {
    expect(maskPersonalText(text)).toBe(masked);
  });

  test('the host log writes an error field masked', () => {
    expect(redactValue({ event: 'amazon_request', error: 'Jane Doe at 203.0.113.5' })).toEqual({
      event: 'amazon_request',
      error: '[REDACTED] at [REDACTED]',
    });
  });

  test.each([
    ['digits joined by separators', '1-'.repeat(100_000)],
    ['separators with no digit after', `1${' ('.repeat(100_000)}`],
    ['hex and colons with no end', 'a:'.repeat(100_000)],
    ['a word of hex then a letter', `${'ab:'.repeat(100_000)}z`],
    ['Capitalised words without end', 'Ab '.repeat(100_000)],
    ['capitals inside words', 'aB'.repeat(100_000)],
  ])('linear on 200 KB: %s', (_label, text) => {
    const started = performance.now();
    maskPersonalText(text);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
