import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MatchKeyRules } from '../plugin/transform/normalize/match-keys.js';
import type { MatchKeyType } from '../plugin/amazon/event-types.js';
import { normalizePostal } from '../plugin/transform/normalize/postal.js';
import { plainTagNormalizer } from '../plugin/transform/normalize/tag-rules.js';
import { runs } from './support/property-runs.js';

const rules = new MatchKeyRules();
const matchKeyValue = rules.value.bind(rules);
const normalizedForm = rules.normalizedForm.bind(rules);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Golden vectors of Amazon's normalisation notes (normalization.md, the source of amazon-reference/normalization-rules.json). Rows marked `tag` must give the tag's exact hash; rows
 * marked `decision` are where this project deliberately does better (normalization.md, "Decisions") and
 * give the normalised value stated here (or no key at all).
 */
const VECTORS: Array<
  [
    id: string,
    type: MatchKeyType,
    raw: string,
    country: string,
    normalised: string | null,
    hash: string | null,
    kind: 'tag' | 'decision',
  ]
> = [
  [
    'E1',
    'EMAIL',
    '  John.Doe@Example.COM ',
    'US',
    'john.doe@example.com',
    '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f',
    'tag',
  ],
  [
    'E2',
    'EMAIL',
    'john.doe+promo@gmail.com',
    'US',
    'john.doepromo@gmail.com',
    'a7a80b8aeef2cb35550c309fae8360ebbb8799dcd3124f12e0aa83cf47cfb546',
    'tag',
  ],
  [
    'E3',
    'EMAIL',
    'first_last@example.co.uk',
    'GB',
    'first_last@example.co.uk',
    '0d2f369e7b5c465ae34879a8da05019d5e701e72cfd61c26559757f28737e29f',
    'tag',
  ],
  [
    'E4',
    'EMAIL',
    "José.O'Brien@Example.com",
    'ES',
    'jos.obrien@example.com',
    '1a07615000ade72db77173ce2e015f6f7540aaf78e9a01fb170ddf6713a85c6e',
    'tag',
  ],
  [
    'P1',
    'PHONE',
    '(555) 123-4567',
    'US',
    '15551234567',
    'd6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a',
    'tag',
  ],
  [
    'P2',
    'PHONE',
    '+1 555-123-4567',
    'US',
    '15551234567',
    'd6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a',
    'tag',
  ],
  [
    'P3',
    'PHONE',
    '07700 900123',
    'GB',
    '447700900123',
    '033134b911b137918338415ee3d20a064b24773d36a3b02e8b99fdd3fcd6b4cd',
    'tag',
  ],
  [
    'P4',
    'PHONE',
    '+44 7700 900123',
    'GB',
    '447700900123',
    '033134b911b137918338415ee3d20a064b24773d36a3b02e8b99fdd3fcd6b4cd',
    'tag',
  ],
  ['P5', 'PHONE', '+44 (0)20 7946 0958', 'GB', '442079460958', null, 'decision'],
  [
    'P6',
    'PHONE',
    '030 1234567',
    'DE',
    '49301234567',
    '2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce',
    'tag',
  ],
  [
    'P7',
    'PHONE',
    '0049 30 1234567',
    'DE',
    '49301234567',
    '2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce',
    'tag',
  ],
  ['P8', 'PHONE', '0491 123456', 'DE', '49491123456', null, 'decision'],
  [
    'P9',
    'PHONE',
    '06 12 34 56 78',
    'FR',
    '33612345678',
    '8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661',
    'tag',
  ],
  [
    'P10',
    'PHONE',
    '090-1234-5678',
    'JP',
    '819012345678',
    '0ad07193350775c6d4377f8b039d32877e66c69a454ed886b05279771c0fca0b',
    'tag',
  ],
  ['P11', 'PHONE', '082 123 4567', 'ZA', '27821234567', null, 'decision'],
  ['P12', 'PHONE', 'n/a', 'US', null, null, 'decision'],
  [
    'N1',
    'FIRST_NAME',
    '  Mary-Jane ',
    'US',
    'maryjane',
    'f08f448a5e7a9dc3619bb7c129f6a7d5fc6af002cea17ad71dfdc1c68f4d4e0e',
    'tag',
  ],
  [
    'N2',
    'FIRST_NAME',
    'José',
    'ES',
    'jos',
    'f854b2aeb789d616b26acff4df9ff7741d09d5f7a63add238201880e5b10bf2b',
    'tag',
  ],
  [
    'N3',
    'LAST_NAME',
    'Müller',
    'DE',
    'mller',
    'e0d1fc7fccfc0137061cead6c34c131f225efb45474afdd61310845a108fbc9a',
    'tag',
  ],
  [
    'N4',
    'FIRST_NAME',
    'Bob123',
    'US',
    'bob',
    '81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9',
    'tag',
  ],
  ['N5', 'FIRST_NAME', '123', 'US', null, null, 'decision'],
  [
    'A1',
    'ADDRESS',
    '123 Main Street',
    'US',
    '123mainst',
    '4f43a3296ce825b21a7925513650a3a92bceff17d2325d8bbf548a166b53f71a',
    'tag',
  ],
  [
    'A2',
    'ADDRESS',
    '456 North Oak Avenue, Apt. 7',
    'US',
    '456noakaveapt7',
    'eadbaefcf993e59a4d4ed7085f058906e5d9e3e33fe2457993000c06d53ffa0f',
    'tag',
  ],
  [
    'A3',
    'ADDRESS',
    '789 Elm Blvd. #12',
    'US',
    '789elmblvdnumber12',
    'e1a7104356b4dc1f933d65bd5c8baeb2442510340e37278c0b0f25f129cd2380',
    'tag',
  ],
  [
    'A4',
    'ADDRESS',
    '1600 Pennsylvania Avenue NW',
    'US',
    '1600pennsylvaniaavenw',
    'c3f7fcba744b94c991579964dfcb28416889772a1ac7f4d646309a4ba2048aa5',
    'tag',
  ],
  [
    'A5',
    'ADDRESS',
    '10 Downing Street',
    'GB',
    '10downingst',
    '050a9a8a5d97863b1f57b3faa3ce8f8bde766092ffcce8a2d6eb41da65605df5',
    'tag',
  ],
  [
    'A6',
    'ADDRESS',
    'Hauptstraße 5',
    'DE',
    'hauptstrasse5',
    '470587c91c4c0a2198798ca3dbd37175b793b72304927a2b4f5ed4683b2aaf21',
    'tag',
  ],
  [
    'A7',
    'ADDRESS',
    'C/ Mayor, 10',
    'ES',
    'callemayor10',
    '2e86a03b2474fd5637a696d5c2e01bec43e51813afdd13eb270acfd0149479b3',
    'tag',
  ],
  [
    'A8',
    'ADDRESS',
    'P.zza Garibaldi 3',
    'IT',
    'piazzagaribaldi3',
    '9c3f9fe6c154c6c88be16f6e8f720284e053aa68033eebd4f8cab8fab04184db',
    'tag',
  ],
  [
    'A9',
    'ADDRESS',
    '5 Ave des Champs',
    'FR',
    '5avenuedeschamps',
    '1c8a423396bfd0224137c29698631e052bfaf9fcc6e102506c83bf5fd98b542f',
    'tag',
  ],
  [
    'A10',
    'ADDRESS',
    "12 Rue de l'Église",
    'FR',
    '12ruedeleglise',
    'e5e31a7755fb333bc27c0b26a09e086f5b544d2fe8955695669ce1aa84b326ab',
    'tag',
  ],
  [
    'A11',
    'ADDRESS',
    '123 Main St No. 5',
    'US',
    '123mainstnumber5',
    'd9fe45f0abd85a359db9b21fe03cde171ed1221e1c43fab204528a4637d31b09',
    'tag',
  ],
  [
    'T1',
    'CITY',
    '  St. Louis ',
    'US',
    'stlouis',
    '8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3',
    'tag',
  ],
  [
    'T2',
    'CITY',
    'São Paulo',
    'BR',
    'sopaulo',
    '4a287883aa51936209f313e4c62d9b38b41b7df896dfdff33b98dc1a86607668',
    'tag',
  ],
  [
    'S1',
    'STATE',
    'California',
    'US',
    'ca',
    '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
    'tag',
  ],
  [
    'S2',
    'STATE',
    'N.Y.',
    'US',
    'ny',
    '1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683',
    'tag',
  ],
  ['S3', 'STATE', 'West Virginia', 'US', 'wv', null, 'decision'],
  [
    'S4',
    'STATE',
    'Baden-Württemberg',
    'DE',
    'bw',
    'ab02eedd0712a148636d87b46a0c4c741ad4634745d829717b84433d7c4940c2',
    'tag',
  ],
  ['S5', 'STATE', 'Saxony-Anhalt', 'DE', 'st', null, 'decision'],
  [
    'S6',
    'STATE',
    'Ontario',
    'CA',
    'on',
    'b8d31e852725afb1e26d53bab6095b2bff1749c9275be13ed1c05a56ed31ec09',
    'tag',
  ],
  ['S7', 'STATE', 'São Paulo', 'BR', 'sp', null, 'decision'],
  [
    'S8',
    'STATE',
    'Bayern',
    'DE',
    'ba',
    '970f519c2cadbcefb1e81694f904bc6229dd2a8300e98c6d0d4fc4bfca584140',
    'tag',
  ],
  [
    'S9',
    'STATE',
    'Madrid',
    'ES',
    'm',
    '62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a',
    'tag',
  ],
  [
    'Z1',
    'POSTAL',
    '98101-1234',
    'US',
    '98101',
    '2db72c21b4a69924fa76dc21f062d3efd5abeb0bcda922358e2d7e9127907649',
    'tag',
  ],
  ['Z2', 'POSTAL', '98101 1234', 'US', '98101', null, 'decision'],
  [
    'Z3',
    'POSTAL',
    'SW1A 1AA',
    'GB',
    'sw1a1aa',
    '830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614',
    'tag',
  ],
  ['Z4', 'POSTAL', '100-0001', 'JP', '1000001', null, 'decision'],
  [
    'Z5',
    'POSTAL',
    'K1A 0B1',
    'CA',
    'k1a0b1',
    '3e8d74314dc02166b1ea8c7bd8c2357fb3f9898074395b8c57f8799848b4daa1',
    'tag',
  ],
];

describe("Amazon's golden vectors (normalization.md)", () => {
  test.each(VECTORS)('%s %s %j (%s)', (_id, type, raw, country, normalised, hash, kind) => {
    const value = matchKeyValue(type, raw, country);
    if (normalised === null) {
      expect(value).toBeUndefined();
      return;
    }
    expect(normalizedForm(type, raw, country)).toBe(normalised);
    expect(value).toBe(kind === 'tag' ? hash : sha(normalised));
  });
});

describe('pre-hashed and raw match keys', () => {
  test.each<[string, MatchKeyType, string, string | undefined]>([
    [
      'H1: a 64-hex value is sent lower-cased, not hashed again',
      'EMAIL',
      ' 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 ',
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    ],
    [
      'H2: 63 hex digits are an ordinary value and get hashed',
      'EMAIL',
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0',
      '7ceea81fb3f512a145c1d8b685edf6c88ae3c676d840b8b680065e63df19911d',
    ],
    [
      'a pre-hashed phone passes through too',
      'PHONE',
      'd6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a',
      'd6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a',
    ],
    [
      'a value with spaces around is trimmed first',
      'EMAIL',
      ' \tJane.Doe@Example.com  ',
      sha('jane.doe@example.com'),
    ],
    [
      'an address with spaces around is trimmed first',
      'ADDRESS',
      '\u00a0 123 Main Street ',
      sha('123mainst'),
    ],
    [
      'MAID is sent raw, trimmed',
      'MAID',
      ' 6D92078A-8246-4BA4-AE5B-76104861E7DC ',
      '6D92078A-8246-4BA4-AE5B-76104861E7DC',
    ],
    [
      'the all-zero advertising id (tracking limited) is no key',
      'MAID',
      '00000000-0000-0000-0000-000000000000',
      undefined,
    ],
    ['FIP takes a full IPv4 address raw', 'FIP', '203.0.113.42', '203.0.113.42'],
    ['FIP takes IPv6', 'FIP', '2001:db8::1', '2001:db8::1'],
    ['FIP refuses what is not an IP', 'FIP', 'localhost', undefined],
    ['MATCH_ID longer than 100 characters is no key', 'MATCH_ID', 'x'.repeat(101), undefined],
    ['a blank value is no key', 'EMAIL', '   ', undefined],
  ])('%s', (_label, type, raw, expected) => {
    expect(matchKeyValue(type, raw, 'US')).toBe(expected);
  });
});

describe('remembered answers belong to their country', () => {
  test('one text asked for two countries in turn gets each country its own answer', () => {
    const asked = (['US', 'DE', 'US', 'DE'] as const).map((country) => [
      normalizedForm('STATE', 'Texas', country),
      normalizedForm('ADDRESS', '1 Main Street', country),
    ]);
    expect(asked).toEqual([
      ['tx', '1mainst'],
      ['te', '1mainst'],
      ['tx', '1mainst'],
      ['te', '1mainst'],
    ]);
    expect(['US', 'FR', 'US', 'FR'].map((c) => normalizedForm('ADDRESS', '2 Avenue Foch', c))).toEqual([
      '2avefoch',
      '2avenuefoch',
      '2avefoch',
      '2avenuefoch',
    ]);
  });
});

describe('US postal codes', () => {
  test('for any text: its first five digits when it holds five, else what the tag gives', () => {
    const tag = plainTagNormalizer('POSTAL');
    const zipLike = fc.oneof(
      fc.stringMatching(/^[0-9]{3,6}[a-z -]?[0-9]{0,4}$/),
      fc.stringMatching(/^[0-9 -]{0,12}$/),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(zipLike, (raw) => {
        const digits = raw.replace(/\D/g, '');
        expect(normalizePostal(raw.trim(), 'US')).toBe(
          digits.length >= 5 ? digits.slice(0, 5) : tag(raw, 'US'),
        );
      }),
      { numRuns: runs(2_000), seed: 21 },
    );
  });
});
