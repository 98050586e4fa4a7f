import type { MatchKeyType } from '../amazon/event-types.js';
import {
  CONSENT_CLASSES,
  MATCH_KEY_TYPES,
  MATCH_KEY_WEIGHTS,
  RECOMMENDABLE_KEYS,
  type ConsentClass,
} from './match-score.js';
import type { Metric } from './quality-tally.js';
import { COUNTRY_SOURCES, type CountrySource } from '../transform/country.js';

export const TOTALS = ['transformed', 'delivered', 'rejected', 'dead', 'filtered', 'invalid'] as const;
export type Totals = Record<(typeof TOTALS)[number], number>;
const REASON_KINDS = ['filtered', 'invalid', 'rejected', 'dead'] as const;

/** One Amazon event type's figures. Shares are fractions of its transformed events, to 4 decimals. */
export interface EventQuality extends Omit<Totals, 'transformed'> {
  /** Events transformed (sent or to be sent): what the shares are fractions of. */
  count: number;
  match_keys: Record<MatchKeyType, number>;
  avg_match_keys: number;
  consent: Record<ConsentClass, number>;
  limited_data_use: number;
  /** Share of events whose eventId is the id the page gave the Amazon Ad Tag (docs/ad-tag.md). */
  paired_with_ad_tag: number;
  /** Share of events sent with an Amazon click token (`arefMeasurementTokens`). */
  with_click_token: number;
  /**
   * Where the events' countries came from: their own data, the config's default_country, the profile's
   * marketplace. A high share from a default means the blueprint finds no country in the events.
   */
  country_from: Record<CountrySource, number>;
  /** 0–100, the mean matchability of its events (docs/match-quality.md); null when none was transformed. */
  score: number | null;
  /** The score in a word: Great, Good, OK or Poor (`RATINGS`); null with the score. */
  rating: Rating | null;
  /** The missing match key that would raise the score most, and the score it would reach; null when none would. */
  recommendation: Recommendation | null;
}

export type Rating = 'Great' | 'Good' | 'OK' | 'Poor';
/** The lowest score of each rating, best first (docs/match-quality.md). */
export const RATINGS: ReadonlyArray<[Rating, number]> = [
  ['Great', 80],
  ['Good', 60],
  ['OK', 40],
  ['Poor', 0],
];

export function ratingOf(score: number | null): Rating | null {
  return score === null ? null : RATINGS.find(([, min]) => score >= min)![0];
}

export interface Recommendation {
  key: MatchKeyType;
  /** The key in words ("the phone number"). */
  label: string;
  /** Its share of the events now. */
  coverage: number;
  /** The score if every event of the type that lacks it (and is not DENIED) carried it, by `scoreOf`. */
  score: number;
  rating: Rating;
}

export interface QualityFigures {
  totals: Totals;
  by_event: Record<string, EventQuality>;
  reasons: Record<(typeof REASON_KINDS)[number], Record<string, number>>;
}

export interface QualityAlert {
  code: 'MATCH_KEY_COVERAGE_DROP' | 'REJECTIONS_HIGH' | 'CONSENT_DENIED_HIGH' | 'NOTHING_DELIVERED';
  message: string;
  event?: string;
}

const share = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000);

/**
 * The figures of a set of counters (`QualityTally` rows, or a store's sums of them). Events the blueprint maps
 * to no Amazon event (name '') count in the totals and reasons only.
 */
export function qualityFigures(
  rows: Iterable<{ eventName: string; metric: Metric; n: number }>,
): QualityFigures {
  const totals = emptyTotals();
  const reasons: QualityFigures['reasons'] = { filtered: {}, invalid: {}, rejected: {}, dead: {} };
  const sums = new Map<string, Map<Metric, number>>();
  for (const { eventName, metric, n } of rows) {
    let metrics = sums.get(eventName);
    if (!metrics) sums.set(eventName, (metrics = new Map()));
    metrics.set(metric, (metrics.get(metric) ?? 0) + n);
    if (metric in totals) totals[metric as keyof Totals] += n;
    const colon = metric.indexOf(':');
    const kind = metric.slice(0, colon) as (typeof REASON_KINDS)[number];
    if (colon > 0 && REASON_KINDS.includes(kind)) {
      const code = metric.slice(colon + 1);
      reasons[kind][code] = (reasons[kind][code] ?? 0) + n;
    }
  }
  // A replayed dead letter is taken back from its counters: a reason that came to 0 is not listed.
  for (const kind of REASON_KINDS)
    for (const [code, n] of Object.entries(reasons[kind])) if (n === 0) delete reasons[kind][code];
  const by_event: Record<string, EventQuality> = {};
  for (const name of [...sums.keys()].filter((n) => n !== '').sort())
    by_event[name] = eventQuality(sums.get(name)!);
  return { totals, by_event, reasons };
}

function eventQuality(metrics: Map<Metric, number>): EventQuality {
  const get = (metric: Metric) => metrics.get(metric) ?? 0;
  const count = get('transformed');
  return {
    count,
    delivered: get('delivered'),
    rejected: get('rejected'),
    dead: get('dead'),
    filtered: get('filtered'),
    invalid: get('invalid'),
    match_keys: Object.fromEntries(MATCH_KEY_TYPES.map((k) => [k, share(get(`key:${k}`), count)])) as Record<
      MatchKeyType,
      number
    >,
    avg_match_keys: count === 0 ? 0 : Math.round((get('keys') / count) * 100) / 100,
    consent: Object.fromEntries(CONSENT_CLASSES.map((c) => [c, share(get(`consent:${c}`), count)])) as Record<
      ConsentClass,
      number
    >,
    limited_data_use: share(get('ldu'), count),
    paired_with_ad_tag: share(get('ad_tag'), count),
    with_click_token: share(get('click_token'), count),
    country_from: Object.fromEntries(
      COUNTRY_SOURCES.map((c) => [c, share(get(`country:${c}`), count)]),
    ) as Record<CountrySource, number>,
    score: scoreOf(get('matchability'), count),
    rating: ratingOf(scoreOf(get('matchability'), count)),
    recommendation: recommend(get, count),
  };
}

/**
 * The recommendable key whose adding would raise the score most: adding a key of weight w to an event of
 * matchability m makes it m + (1 − m) × w, so the sum grows by w × `gain:KEY`; the score is `scoreOf` of it.
 */
function recommend(get: (metric: Metric) => number, count: number): Recommendation | null {
  const now = scoreOf(get('matchability'), count);
  let best: Recommendation | null = null;
  for (const [key, { label }] of Object.entries(RECOMMENDABLE_KEYS) as Array<
    [MatchKeyType, { label: string }]
  >) {
    const gain = get(`gain:${key}`);
    if (gain <= 0) continue;
    const score = scoreOf(get('matchability') + MATCH_KEY_WEIGHTS[key] * gain, count)!;
    if (now !== null && score > now && (!best || score > best.score))
      best = { key, label, coverage: share(get(`key:${key}`), count), score, rating: ratingOf(score)! };
  }
  return best;
}

/**
 * The score of `transformed` events whose matchability sums to `matchability` thousandths: 100 × the mean,
 * rounded; null without events.
 */
export function scoreOf(matchability: number, transformed: number): number | null {
  return transformed === 0 ? null : Math.round(matchability / transformed / 10);
}

function emptyTotals(): Totals {
  return Object.fromEntries(TOTALS.map((t) => [t, 0])) as Totals;
}

/** Coverage of a key lost against the previous window, in points of share, that raises an alert. */
export const COVERAGE_DROP = 0.2;
/** Rejected (and dead-lettered) over final outcomes, above which an alert is raised. */
export const REJECTION_RATE = 0.05;
/** Share of an event type's events sent with consent DENIED, above which an alert is raised. */
export const DENIED_SHARE = 0.5;

/**
 * What the advertiser should look at, comparing a window with the one of the same length before it: a key's
 * coverage down by 20 points or more, rejections above 5 %, DENIED above half of an event type, or events
 * arriving while none was delivered.
 */
export function qualityAlerts(current: QualityFigures, previous: QualityFigures): QualityAlert[] {
  const alerts: QualityAlert[] = [];
  for (const [name, now] of Object.entries(current.by_event)) {
    const before = previous.by_event[name];
    if (before && before.count > 0 && now.count > 0) {
      for (const key of MATCH_KEY_TYPES) {
        const drop = before.match_keys[key] - now.match_keys[key];
        if (drop >= COVERAGE_DROP - 1e-9)
          alerts.push({
            code: 'MATCH_KEY_COVERAGE_DROP',
            event: name,
            message: `${key} on ${name} events fell from ${pct(before.match_keys[key])} to ${pct(now.match_keys[key])} against the previous window: check the site still sends it.`,
          });
      }
    }
    if (now.consent.denied > DENIED_SHARE)
      alerts.push({
        code: 'CONSENT_DENIED_HIGH',
        event: name,
        message: `${pct(now.consent.denied)} of ${name} events were sent with consent DENIED, which Amazon does not use for matching: check the consent signal reaches Signal.`,
      });
  }
  const { delivered, rejected, dead, transformed } = current.totals;
  const final = delivered + rejected + dead;
  if (final > 0 && (rejected + dead) / final > REJECTION_RATE)
    alerts.push({
      code: 'REJECTIONS_HIGH',
      message: `${pct((rejected + dead) / final)} of the events with a final outcome were not delivered: see the reasons.`,
    });
  if (transformed > 0 && delivered === 0)
    alerts.push({
      code: 'NOTHING_DELIVERED',
      message: `${transformed} events arrived in this window and none was delivered yet.`,
    });
  return alerts;
}

const pct = (fraction: number): string => `${Math.round(fraction * 1000) / 10} %`;
