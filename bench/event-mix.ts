/**
 * A fixed, seeded, realistic mix of canonical events for benchmarks and soak runs: purchases with every
 * personal-data key raw, add-to-carts, page views, sign-ups, some with pre-hashed email and phone, some from
 * the EU without consent (filtered).
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../sandbox/faults.js';

const FIRST = [
  'Jane',
  'John',
  'María',
  'Wei',
  'Olivia',
  'Liam',
  'Noah',
  'Emma',
  'Ava',
  'Lucas',
  'Mia',
  'Zoë',
];
const LAST = ['Doe', 'Smith', 'García', 'Chen', 'Müller', "O'Brien", 'Johnson', 'Brown', 'Nguyen', 'Rossi'];
const STREETS = ['Main Street', 'North Oak Avenue', 'Elm Blvd.', 'Pennsylvania Avenue NW', 'Market St'];
const PLACES: Array<[string, string, string, string, string]> = [
  ['Seattle', 'Washington', '98101-1234', 'US', 'en-US'],
  ['New York', 'New York', '10001', 'US', 'en-US'],
  ['Austin', 'Texas', '73301', 'US', 'en-US'],
  ['Toronto', 'Ontario', 'M5H 2N2', 'CA', 'en-CA'],
  ['London', 'England', 'SW1A 1AA', 'GB', 'en-GB'],
  ['Berlin', 'Berlin', '10115', 'DE', 'de-DE'],
];

/** `count` events; `recentMs` is the time they are stamped with (ages stay within Amazon's 21 days). */
export function eventMix(count: number, seed = 42, now = Date.now()): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const [city, state, postal, country, locale] = pick(PLACES);
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}${i}@Example.com`.replace(/'/g, '');
    const phone = `+1 (${200 + Math.floor(random() * 700)}) 555-${String(1000 + Math.floor(random() * 9000))}`;
    const preHashed = random() < 0.15;
    const euWithoutConsent = country === 'DE' && random() < 0.5;
    const consent = euWithoutConsent ? {} : { canonical: { marketing: true, analytics: true } };
    const r = random();
    const kind = r < 0.35 ? 'purchase' : r < 0.6 ? 'add_to_cart' : r < 0.9 ? 'page' : 'sign_up';
    const quantity = 1 + Math.floor(random() * 3);
    const price = Math.round(random() * 20000) / 100;
    events.push({
      type: kind === 'page' ? 'page' : 'track',
      ...(kind === 'page' ? { name: 'Product' } : { event: kind }),
      properties:
        kind === 'purchase'
          ? {
              transaction_id: `T-${seed}-${i}`,
              value: Math.round(price * quantity * 100) / 100,
              currency: 'USD',
              items: [
                {
                  item_id: `SKU-${i % 500}`,
                  item_name: 'Trail shoe',
                  item_brand: 'Acme',
                  item_category: 'Shoes',
                  price,
                  quantity,
                },
              ],
            }
          : kind === 'add_to_cart'
            ? {
                items: [
                  {
                    item_id: `SKU-${i % 500}`,
                    item_brand: 'Acme',
                    item_category: 'Shoes',
                    price,
                    quantity: 1,
                  },
                ],
              }
            : {},
      userId: `user_${i}`,
      anonymousId: `anon_${i}`,
      traits: {
        email: preHashed ? createHash('sha256').update(email.toLowerCase()).digest('hex') : email,
        phone: preHashed ? createHash('sha256').update(phone.replace(/\D/g, '')).digest('hex') : phone,
        first_name: first,
        last_name: last,
        address: { street: `${1 + (i % 900)} ${pick(STREETS)}`, city, state, postal_code: postal, country },
      },
      context: {
        page: { url: `https://shop.example/p/${i % 500}`, path: `/p/${i % 500}` },
        locale,
        ip: `203.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        consent,
      },
      timestamp: new Date(now - Math.floor(random() * 3_600_000)).toISOString(),
      messageId: `m-${seed}-${i}`,
    });
  }
  return events;
}
