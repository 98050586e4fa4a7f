import {
  SpanKind,
  SpanStatusCode,
  ValueType,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import type { EventOutcome, TransformResult } from '../contracts.js';
import type { AmazonResponse } from '../amazon/http.js';
import { HEADERS } from '../constants.js';
import { TELEMETRY_NAMES as N } from './telemetry-names.js';

const OK: Attributes = { status: 'ok' };
const DELIVERED: Attributes = { outcome: 'delivered' };
const FILTERED = 'filtered';
/** What a code label may be: Amazon's and the plugin's codes are UPPER_SNAKE. */
const CODE = /^[A-Z][A-Z0-9_]*$/;
const MAX_CODES = 100;
const INVALID = 'invalid';

/** What a span and the request figures know of one request to Amazon's events endpoint. */
export interface EventsRequestInfo {
  region: string;
  events: number;
}

/**
 * The plugin's metrics and spans, made once per plugin container from the injected Meter and Tracer
 * (`@opentelemetry/api` only: with no SDK in the host they are no-ops). Labels carry no personal data and no
 * secret: outcomes, stable codes, regions, HTTP statuses and, where an operator acts per advertiser (429s and
 * the pace), the advertiser account id. docs/operations.md lists each with its labels.
 */
export class PluginTelemetry {
  private readonly events: Counter;
  private readonly transforms: Counter;
  private readonly requests: Counter;
  private readonly throttled: Counter;
  private readonly renewals: Counter;
  private readonly paceWait: Counter;
  private readonly duration: Histogram;
  private readonly perRequest: Histogram;
  /** Label sets by value and code, so the per-event paths (transform, outcomes) allocate none after the first. */
  private readonly labels = new Map<string, Map<string, Attributes>>();

  constructor(
    meter: Meter,
    private readonly tracer: Tracer,
  ) {
    const counter = (name: string, description: string, unit?: string) =>
      meter.createCounter(name, { description, unit, valueType: ValueType.INT });
    this.events = counter(N.events, 'Events deliver reported, by outcome and code');
    this.transforms = counter(N.transforms, 'Transform results, by status and code');
    this.requests = counter(N.requests, 'Requests to the Amazon events endpoint, by region and HTTP status');
    this.throttled = counter(N.throttled, 'Requests Amazon answered 429, by region and advertiser');
    this.renewals = counter(N.renewals, 'Access token renewals at Login with Amazon, by result and code');
    this.paceWait = meter.createCounter(N.paceWait, {
      description: 'Time spent waiting for the advertiser pace before a request',
      unit: 's',
      valueType: ValueType.DOUBLE,
    });
    this.duration = meter.createHistogram(N.duration, {
      description: 'Duration of requests to the Amazon events endpoint',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    });
    this.perRequest = meter.createHistogram(N.eventsPerRequest, {
      description: 'Events per request to the Amazon events endpoint',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [1, 10, 50, 100, 250, 500] },
    });
    // Series an alert looks for from the first occurrence are there at 0 from the start (an absent series has
    // no increase when it first appears at 1).
    this.events.add(0, DELIVERED);
    this.renewals.add(0, { result: 'ok' });
    this.renewals.add(0, { result: 'failed', code: 'AUTH_FAILED' });
  }

  /** One transform result (counted by the Destination, around the pure transform). */
  transformed(result: TransformResult): void {
    if (result.status === 'ok') return this.transforms.add(1, OK);
    const code = result.status === 'filtered' ? result.reason.code : result.error.code;
    this.transforms.add(1, this.labelOf(result.status === 'filtered' ? FILTERED : INVALID, 'status', code));
  }

  /** The outcomes of one deliver call, one count per (outcome, code). */
  delivered(outcomes: readonly EventOutcome[]): void {
    const counts = new Map<Attributes, number>();
    for (const o of outcomes) {
      const labels = o.status === 'delivered' ? DELIVERED : this.labelOf(o.status, 'outcome', o.code);
      counts.set(labels, (counts.get(labels) ?? 0) + 1);
    }
    for (const [labels, n] of counts) this.events.add(n, labels);
  }

  /** A renewal this process asked Login with Amazon for; `code` is the typed error's when it failed. */
  renewal(code?: string): void {
    this.renewals.add(1, code ? { result: 'failed', code } : { result: 'ok' });
  }

  /** Time waited for an advertiser's pace. */
  pacedFor(advertiser: string, ms: number): void {
    this.paceWait.add(ms / 1000, { advertiser });
  }

  /**
   * Runs one request to the events endpoint in a client span, child of the caller's active span, and counts
   * it: by HTTP status (`none` when no answer came), its duration, its events, and 429s by advertiser.
   */
  async eventsRequest(
    info: EventsRequestInfo & { advertiser: string },
    send: () => Promise<AmazonResponse>,
  ): Promise<AmazonResponse> {
    return this.tracer.startActiveSpan(
      'amazon_dsp.create_events',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'POST',
          'amazon_dsp.region': info.region,
          'amazon_dsp.events': info.events,
        },
      },
      async (span) => {
        const started = performance.now();
        let status = 'none';
        try {
          const response = await send();
          status = String(response.status);
          span.setAttribute('http.response.status_code', response.status);
          const requestId = response.headers[HEADERS.requestId];
          if (typeof requestId === 'string')
            span.setAttribute('amazon_dsp.request_id', requestId.slice(0, 128));
          if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          return response;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'no answer from Amazon' });
          throw error;
        } finally {
          const labels = { region: info.region, http_status: status };
          this.requests.add(1, labels);
          this.duration.record((performance.now() - started) / 1000, labels);
          this.perRequest.record(info.events, { region: info.region });
          if (status === '429') this.throttled.add(1, { region: info.region, advertiser: info.advertiser });
          span.end();
        }
      },
    );
  }

  /**
   * The label set `{[name]: value, code}`, made once per value and code. Amazon's per-event codes come from its
   * answer: one that is not an UPPER_SNAKE code, or past the first `MAX_CODES` of an outcome, is `OTHER`, so that
   * no text of an answer becomes a label and the series stay bounded.
   */
  private labelOf(value: string, name: 'status' | 'outcome', code: string): Attributes {
    let byCode = this.labels.get(value);
    if (!byCode) this.labels.set(value, (byCode = new Map()));
    const known = byCode.get(code);
    if (known) return known;
    // Only kept codes are remembered: the map holds at most MAX_CODES + 1 label sets, whatever Amazon sends.
    const kept = code.length <= 64 && CODE.test(code) && byCode.size < MAX_CODES ? code : 'OTHER';
    let labels = byCode.get(kept);
    if (!labels) byCode.set(kept, (labels = { [name]: value, code: kept }));
    return labels;
  }
}
