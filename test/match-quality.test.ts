import {
  type AmazonEvent,
  type EventSource,
  type MatchKeyType,
  type TransformResult,
} from '../plugin/index.js';
import { QualityTally } from '../plugin/quality/quality-tally.js';
import { qualityAlerts, qualityFigures, ratingOf } from '../plugin/quality/quality-report.js';
import { consentClass, matchability, MATCH_KEY_WEIGHTS } from '../plugin/quality/match-score.js';
import { amazonEvent } from './support/amazon-events.js';

/** An Amazon event with these match key types and this consent (values do not matter to match quality). */
function sent(keys: MatchKeyType[], consent?: AmazonEvent['consent'], ldu = false): TransformResult {
  const event = amazonEvent(1, { matchKeys: keys.map((type) => ({ type, values: ['x'] as [string] })) });
  delete event.consent;
  if (consent) event.consent = consent;
  if (ldu) event.dataProcessingOptions = { options: 'LIMITED_DATA_USE' };
  return { status: 'ok', event };
}
const event = (r: TransformResult) => (r as { event: AmazonEvent }).event;
const GRANTED = { amazonConsent: { amznUserData: 'GRANTED' as const, amznAdStorage: 'GRANTED' as const } };
const DENIED = { amazonConsent: { amznUserData: 'DENIED' as const, amznAdStorage: 'DENIED' as const } };
const GEO = { geo: { ipAddress: '203.0.113.9' } };

describe('the consent an event was sent with', () => {
  test.each([
    ['amazonConsent GRANTED (with geo)', 'granted', { ...GRANTED, ...GEO }],
    ['amazonConsent DENIED', 'denied', DENIED],
    ['a TCF string, no amazonConsent', 'tcf_gpp', { tcf: 'CP…', ...GEO }],
    ['a GPP string, no amazonConsent', 'tcf_gpp', { gpp: 'DBAB…' }],
    ['only the client IP', 'geo_only', GEO],
    ['no consent at all', 'none', undefined],
  ] as const)('%s → %s', (_, expected, consent) => {
    expect(consentClass(event(sent(['EMAIL'], consent)))).toBe(expected);
  });
});

describe('matchability of one event: 1 − Π(1 − weight) of its keys, 0 when consent is DENIED', () => {
  test.each([
    [['EMAIL'], GRANTED, MATCH_KEY_WEIGHTS.EMAIL],
    [['EMAIL', 'PHONE'], GRANTED, 1 - (1 - MATCH_KEY_WEIGHTS.EMAIL) * (1 - MATCH_KEY_WEIGHTS.PHONE)],
    [['FIP'], undefined, MATCH_KEY_WEIGHTS.FIP],
    [['EMAIL', 'PHONE', 'MAID'], DENIED, 0],
  ] as const)('%j with %j', (keys, consent, expected) => {
    expect(matchability(event(sent([...keys], consent)))).toBeCloseTo(expected, 10);
  });

  test('more keys never lower it, and e-mail weighs more than a name', () => {
    const base = matchability(event(sent(['EMAIL'], GRANTED)));
    expect(matchability(event(sent(['EMAIL', 'CITY'], GRANTED)))).toBeGreaterThan(base);
    expect(base).toBeGreaterThan(matchability(event(sent(['FIRST_NAME', 'LAST_NAME'], GRANTED))));
  });
});

describe('figures of a known mix', () => {
  // 10 Purchase events: 8 with EMAIL, 5 with PHONE, 10 with FIP; consent 6 granted, 1 denied, 3 geo only;
  // 2 with limited data use. Then 3 filtered, 2 invalid, 1 unmapped; 7 delivered, 1 rejected, 1 dead.
  const tally = new QualityTally();
  const mix: Array<[number, MatchKeyType[], AmazonEvent['consent'], boolean]> = [
    [5, ['EMAIL', 'PHONE', 'FIP'], GRANTED, false],
    [1, ['EMAIL', 'FIP'], GRANTED, true],
    [1, ['EMAIL', 'FIP'], DENIED, false],
    [1, ['EMAIL', 'FIP'], GEO, true],
    [2, ['FIP'], GEO, false],
  ];
  for (const [n, keys, consent, ldu] of mix)
    for (let i = 0; i < n; i++) tally.addTransform('Purchase', sent(keys, consent, ldu));
  for (let i = 0; i < 3; i++)
    tally.addTransform('Purchase', { status: 'filtered', reason: { code: 'CONSENT_DENIED', message: '' } });
  for (let i = 0; i < 2; i++)
    tally.addTransform('Purchase', { status: 'invalid', error: { code: 'CURRENCY_INVALID', message: '' } });
  tally.addTransform('', { status: 'filtered', reason: { code: 'EVENT_NOT_MAPPED', message: '' } });
  for (let i = 0; i < 7; i++) tally.addOutcome('Purchase', 'delivered');
  tally.addOutcome('Purchase', 'rejected', 'INVALID_MATCH_KEY');
  tally.addOutcome('Purchase', 'dead', 'AUTH_FAILED');
  const figures = qualityFigures(tally.rows());
  const purchase = figures.by_event.Purchase!;

  test('totals count every event once, unmapped ones too', () => {
    expect(figures.totals).toEqual({
      transformed: 10,
      delivered: 7,
      rejected: 1,
      dead: 1,
      filtered: 4,
      invalid: 2,
    });
    expect(Object.keys(figures.by_event)).toEqual(['Purchase']);
  });

  test('shares are fractions of the event type’s transformed events', () => {
    expect(purchase.count).toBe(10);
    expect(purchase.match_keys).toMatchObject({ EMAIL: 0.8, PHONE: 0.5, FIP: 1, MAID: 0 });
    expect(purchase.avg_match_keys).toBe(2.3);
    expect(purchase.consent).toEqual({ granted: 0.6, denied: 0.1, tcf_gpp: 0, geo_only: 0.3, none: 0 });
    expect(purchase.limited_data_use).toBe(0.2);
  });

  test('the score is 100 × the mean matchability: 62 for this mix', () => {
    // EMAIL+PHONE+FIP 1 − 0.3·0.5·0.85 = 0.8725 (×5), EMAIL+FIP 1 − 0.3·0.85 = 0.745 (×2 not denied), denied 0,
    // FIP 0.15 (×2): (4.3625 + 1.49 + 0.3) / 10 = 0.61525 → 62.
    expect(purchase.score).toBe(62);
  });

  test('reasons by code', () => {
    expect(figures.reasons).toEqual({
      filtered: { CONSENT_DENIED: 3, EVENT_NOT_MAPPED: 1 },
      invalid: { CURRENCY_INVALID: 2 },
      rejected: { INVALID_MATCH_KEY: 1 },
      dead: { AUTH_FAILED: 1 },
    });
  });
});

describe('where the countries came from', () => {
  test.each<[string, Array<[number, 'event' | 'default_country' | 'profile' | undefined]>, object]>([
    [
      'own, default and profile countries, as shares of transformed events',
      [
        [6, 'event'],
        [3, 'default_country'],
        [1, 'profile'],
      ],
      { event: 0.6, default_country: 0.3, profile: 0.1 },
    ],
    [
      'a caller that did not ask where from counts none',
      [[4, undefined]],
      { event: 0, default_country: 0, profile: 0 },
    ],
  ])('%s', (_label, events, shares) => {
    const tally = new QualityTally();
    for (const [n, from] of events)
      for (let i = 0; i < n; i++) tally.addTransform('Lead', sent(['EMAIL'], GRANTED), { country: from });
    tally.addTransform(
      'Lead',
      { status: 'invalid', error: { code: 'COUNTRY_MISSING', message: '' } },
      { country: 'event' },
    );
    expect(qualityFigures(tally.rows()).by_event.Lead!.country_from).toEqual(shares);
  });
});

describe('alerts', () => {
  const figuresOf = (
    events: Array<[number, MatchKeyType[], AmazonEvent['consent']]>,
    delivered: number,
    rejected = 0,
  ) => {
    const tally = new QualityTally();
    for (const [n, keys, consent] of events)
      for (let i = 0; i < n; i++) tally.addTransform('Purchase', sent(keys, consent));
    for (let i = 0; i < delivered; i++) tally.addOutcome('Purchase', 'delivered');
    for (let i = 0; i < rejected; i++) tally.addOutcome('Purchase', 'rejected', 'X');
    return qualityFigures(tally.rows());
  };
  const codes = (current: ReturnType<typeof figuresOf>, previous = figuresOf([], 0)) =>
    qualityAlerts(current, previous).map((a) => `${a.code}${a.event ? ` ${a.event}` : ''}`);

  test.each([
    [
      'e-mail coverage 100 % → 80 %: exactly 20 points',
      [
        [8, ['EMAIL'], GRANTED],
        [2, ['PHONE'], GRANTED],
      ],
      10,
      0,
      [[10, ['EMAIL'], GRANTED]],
      ['MATCH_KEY_COVERAGE_DROP Purchase'],
    ],
    [
      'e-mail coverage 100 % → 81 %: less than 20 points',
      [
        [81, ['EMAIL'], GRANTED],
        [19, ['PHONE'], GRANTED],
      ],
      100,
      0,
      [[10, ['EMAIL'], GRANTED]],
      [],
    ],
    ['no previous window: nothing to compare', [[1, ['PHONE'], GRANTED]], 1, 0, [], []],
    ['6 % rejected', [[100, ['EMAIL'], GRANTED]], 94, 6, [], ['REJECTIONS_HIGH']],
    ['5 % rejected: not above', [[100, ['EMAIL'], GRANTED]], 95, 5, [], []],
    [
      '6 of 10 sent DENIED',
      [
        [6, ['EMAIL'], DENIED],
        [4, ['EMAIL'], GRANTED],
      ],
      10,
      0,
      [],
      ['CONSENT_DENIED_HIGH Purchase'],
    ],
    ['events arrive, none delivered', [[3, ['EMAIL'], GRANTED]], 0, 0, [], ['NOTHING_DELIVERED']],
  ] as const)('%s', (_, now, delivered, rejected, before, expected) => {
    const current = figuresOf(now as never, delivered, rejected);
    expect(codes(current, figuresOf(before as never, 0))).toEqual(expected);
  });
});

describe('the score in a word, and what would raise it (recommendations by the same score function)', () => {
  test.each([
    [100, 'Great'],
    [80, 'Great'],
    [79, 'Good'],
    [60, 'Good'],
    [59, 'OK'],
    [40, 'OK'],
    [39, 'Poor'],
    [0, 'Poor'],
  ] as const)('score %i → %s', (score, rating) => {
    expect(ratingOf(score)).toBe(rating);
  });

  /** Figures of a tally of `events`, each [keys, consent, source]. */
  const figures = (events: Array<[MatchKeyType[], AmazonEvent['consent']?, EventSource?]>) => {
    const tally = new QualityTally();
    for (const [keys, consent, source] of events) {
      const r = sent(keys, consent ?? GRANTED);
      if (source) event(r).eventDescription.eventSource = source;
      tally.addTransform('Purchase', r);
    }
    return qualityFigures(tally.rows()).by_event.Purchase!;
  };
  /** The score of events by the same function, every one carrying `key` as well. */
  const scoreWith = (events: MatchKeyType[][], key: MatchKeyType) =>
    figures(events.map((keys) => [keys.includes(key) ? keys : [...keys, key]])).score;

  test.each([
    // [what, events' keys, the key recommended]
    ['IP only on the website: e-mail first', [['FIP'], ['FIP']], 'EMAIL'],
    [
      'e-mail everywhere: the phone next',
      [
        ['EMAIL', 'FIP'],
        ['EMAIL', 'FIP'],
      ],
      'PHONE',
    ],
    ['e-mail on half: e-mail still raises most', [['EMAIL', 'FIP'], ['FIP']], 'EMAIL'],
  ] as Array<[string, MatchKeyType[][], MatchKeyType]>)('%s', (_, events, key) => {
    const f = figures(events.map((keys) => [keys]));
    expect(f.recommendation).toMatchObject({ key, score: scoreWith(events, key) });
    expect(f.recommendation!.score).toBeGreaterThan(f.score!);
    expect(f.recommendation!.rating).toBe(ratingOf(f.recommendation!.score));
    // No other recommendable key would reach a higher score.
    for (const other of ['EMAIL', 'PHONE', 'ADDRESS', 'FIP', 'POSTAL'] as MatchKeyType[])
      expect(scoreWith(events, other)!).toBeLessThanOrEqual(f.recommendation!.score);
  });

  test('a website is never told to send a mobile advertising id, nor a store sale an IP address', () => {
    const web = figures([[['EMAIL', 'PHONE', 'FIP', 'ADDRESS'], GRANTED, 'WEBSITE']]);
    expect(web.recommendation?.key).not.toBe('MAID');
    const app = figures([[['EMAIL', 'PHONE', 'FIP'], GRANTED, 'ANDROID']]);
    expect(app.recommendation?.key).toBe('MAID');
    const store = figures([[['EMAIL', 'PHONE'], GRANTED, 'OFFLINE']]);
    expect(store.recommendation?.key).toBe('ADDRESS');
  });

  test('events sent with consent DENIED gain nothing from a key: no recommendation', () => {
    const f = figures([[['FIP'], DENIED]]);
    expect(f.score).toBe(0);
    expect(f.recommendation).toBeNull();
  });
});
