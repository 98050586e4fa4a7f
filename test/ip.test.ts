import fc from 'fast-check';
import { isIP, isIPv4 as netIsIPv4 } from 'node:net';
import { isIPv4, isIpAddress } from '../plugin/transform/normalize/ip.js';

/** Text shaped like addresses (numbers of 1 to 4 digits, dots, the odd other character) and any text at all. */
const addressLike = fc.oneof(
  fc
    .array(fc.oneof(fc.stringMatching(/^[0-9]{1,4}$/), fc.constantFrom('.', '..', ':', 'a', ' ', '-', '')), {
      maxLength: 9,
    })
    .map((parts) => parts.join('')),
  fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ maxLength: 20 }),
);

describe('IP addresses are recognised as node:net recognises them', () => {
  test('isIPv4 agrees with net.isIPv4, and isIpAddress with net.isIP, for any text', () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        expect(isIPv4(text)).toBe(netIsIPv4(text));
        expect(isIpAddress(text)).toBe(isIP(text) !== 0);
      }),
      { numRuns: 5_000, seed: 5 },
    );
  });

  test.each([
    ['203.0.113.42', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['01.2.3.4', false],
    ['1.2.3', false],
    ['1.2.3.4.', false],
    ['1.2.3.4.5', false],
    ['1..2.3', false],
    ['', false],
  ])('isIPv4(%j) is %s', (text, expected) => {
    expect(isIPv4(text)).toBe(expected);
  });
});
