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
  /** Label sets by key, so the per-event paths (transform, outcomes) allocate none after the first. */
  private readonly labels = new Map<string, Attributes>();

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
  }

  /** One transform result (counted by the Destination, around the pure transform). */
  transformed(result: TransformResult): void {
    const code =
      result.status === 'ok' ? '' : result.status === 'filtered' ? result.reason.code : result.error.code;
    this.transforms.add(1, this.label(result.status, code, 'status'));
  }

  /** The outcomes of one deliver call, one count per (outcome, code). */
  delivered(outcomes: readonly EventOutcome[]): void {
    const counts = new Map<string, number>();
    for (const o of outcomes) {
      const key = o.status === 'delivered' ? 'delivered' : `${o.status}\u0000${o.code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) {
      const [outcome, code = ''] = key.split('\u0000');
      this.events.add(n, this.label(outcome!, code, 'outcome'));
    }
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
          if (typeof requestId === 'string') span.setAttribute('amazon_dsp.request_id', requestId);
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

  private label(first: string, code: string, name: 'status' | 'outcome'): Attributes {
    const key = `${name}\u0000${first}\u0000${code}`;
    let labels = this.labels.get(key);
    if (!labels) {
      labels = code ? { [name]: first, code } : { [name]: first };
      this.labels.set(key, labels);
    }
    return labels;
  }
}
