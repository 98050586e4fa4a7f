import type { TransformResult } from '../contracts.js';
import type { CountrySource } from '../transform/country.js';
import { consentClass, keyGains, matchability, pairedWithAdTag } from './match-score.js';

/**
 * The counters of match quality, by name: the totals (`transformed`, `delivered`, `rejected`, `dead`, `filtered`,
 * `invalid`), `key:EMAIL`… (events carrying that key type), `keys` (match keys in all), `consent:granted`…,
 * `ldu` (sent with LIMITED_DATA_USE), `ad_tag` (its eventId is the id the page gave the Amazon Ad Tag,
 * `properties.amazon_event_id`), `click_token` (sent with an Amazon click token), `matchability` (the sum of the
 * events' matchability, in thousandths), `country:event`, `country:default_country`, `country:profile` (where a
 * sent event's country came from), `gain:EMAIL`… (for the events lacking that key and not DENIED, the sum of
 * 1000 − their matchability: what the key would add, before its weight), and
 * `filtered:CODE`, `invalid:CODE`, `rejected:CODE`, `dead:CODE` (events by reason). Whole numbers only, so a
 * store can add them up hour by hour; no value of any event is in them.
 */
export type Metric = string;

/** A final outcome of a delivery, as counted. */
export type CountedOutcome = 'delivered' | 'rejected' | 'dead' | 'filtered';

/** Counters by Amazon event name ('' when the blueprint maps no entry for the event) and metric. */
export class QualityTally {
  readonly byEvent = new Map<string, Map<Metric, number>>();

  add(eventName: string, metric: Metric, n = 1): void {
    bump(this.metricsOf(eventName), metric, n);
  }

  private metricsOf(eventName: string): Map<Metric, number> {
    let metrics = this.byEvent.get(eventName);
    if (!metrics) this.byEvent.set(eventName, (metrics = new Map()));
    return metrics;
  }

  /**
   * What one answer of `transform` adds: its status, and for a sent event its keys, consent, data use, click
   * token and, from what the caller saw, whether it is paired with the Ad Tag (`input`, the canonical event it
   * came from) and where its country came from (`country`, `Explanation.country`).
   */
  addTransform(
    eventName: string,
    result: TransformResult,
    seen: { input?: unknown; country?: CountrySource } = {},
  ): void {
    if (result.status === 'filtered') return this.addOutcome(eventName, 'filtered', result.reason.code);
    if (result.status === 'invalid') {
      this.add(eventName, 'invalid');
      return this.add(eventName, `invalid:${result.error.code}`);
    }
    // The host adds every event it accepts: the names below are made once, not per event.
    const event = result.event;
    const metrics = this.metricsOf(eventName);
    bump(metrics, 'transformed');
    bump(metrics, 'keys', event.matchKeys.length);
    for (const key of event.matchKeys) bump(metrics, metricName('key:', key.type));
    bump(metrics, metricName('consent:', consentClass(event)));
    if (event.dataProcessingOptions) bump(metrics, 'ldu');
    if (event.arefMeasurementTokens) bump(metrics, 'click_token');
    if (seen.input !== undefined && pairedWithAdTag(seen.input, event.eventId)) bump(metrics, 'ad_tag');
    if (seen.country) bump(metrics, metricName('country:', seen.country));
    const m = Math.round(matchability(event) * 1000);
    bump(metrics, 'matchability', m);
    for (const [type, gain] of keyGains(event, m))
      if (gain > 0) bump(metrics, metricName('gain:', type), gain);
  }

  /** A final outcome: delivered, or rejected, dead-lettered or filtered with its code. */
  addOutcome(eventName: string, outcome: CountedOutcome, code?: string): void {
    this.add(eventName, outcome);
    if (outcome !== 'delivered' && code) this.add(eventName, `${outcome}:${code}`);
  }

  /** The counters as rows, for a store. */
  *rows(): Generator<{ eventName: string; metric: Metric; n: number }> {
    for (const [eventName, metrics] of this.byEvent)
      for (const [metric, n] of metrics) yield { eventName, metric, n };
  }

  get size(): number {
    return this.byEvent.size;
  }
}

function bump(metrics: Map<Metric, number>, metric: Metric, n = 1): void {
  metrics.set(metric, (metrics.get(metric) ?? 0) + n);
}

/**
 * `prefix` + `value` (`key:EMAIL`), made once for each pair and kept. The values are match key types, consent
 * classes and country sources, a few dozen in all; past `KEPT_NAMES` a prefix's names are made each time.
 */
const metricNames = new Map<string, Map<string, Metric>>();
const KEPT_NAMES = 256;
function metricName(prefix: string, value: string): Metric {
  let byValue = metricNames.get(prefix);
  if (!byValue) metricNames.set(prefix, (byValue = new Map()));
  const kept = byValue.get(value);
  if (kept !== undefined) return kept;
  const name = prefix + value;
  if (byValue.size < KEPT_NAMES) byValue.set(value, name);
  return name;
}
