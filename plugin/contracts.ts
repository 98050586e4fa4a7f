/**
 * The contract between the host and this plugin's lifecycle hooks: what goes in and what comes out.
 */
import type { AmazonEvent } from './amazon/event-types.js';

/** Signal's canonical event (Signal's reference/event-schema). Unknown input is `unknown`. */
export interface CanonicalEvent {
  type?: 'track' | 'page' | 'identify' | 'group' | string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  userId?: string | null;
  anonymousId?: string | null;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp?: string;
  messageId?: string;
  [key: string]: unknown;
}

/** Why an event is deliberately not sent. */
export type FilterCode = 'EVENT_NOT_MAPPED' | 'EVENT_DISABLED' | 'CONSENT_MISSING' | 'CONSENT_DENIED';

/** Why an event cannot be sent as it is. */
export type InvalidCode =
  | 'EVENT_NOT_OBJECT'
  | 'EVENT_NAME_MISSING'
  | 'EVENT_NAME_INVALID'
  | 'NO_MATCH_KEYS'
  | 'EVENT_TIME_INVALID'
  /** No time of its own where the blueprint takes no ingestion time (offline events): never invented. */
  | 'TIMESTAMP_MISSING'
  | 'EVENT_TOO_OLD'
  | 'EVENT_IN_FUTURE'
  | 'COUNTRY_MISSING'
  | 'VALUE_INVALID'
  | 'CURRENCY_INVALID'
  | 'UNITS_INVALID'
  | 'CUSTOM_DATA_INVALID'
  | 'DATA_SET_NAME_INVALID'
  | 'EVENT_ID_INVALID'
  | 'EVENT_SOURCE_MISSING'
  | 'INPUT_NOT_JSON'
  /** (CLI) an input line over the 1 MiB a line may have: skipped, named by its number and size. */
  | 'INPUT_LINE_TOO_LONG'
  /** (CLI `upload`) a CSV cell that its column's mapping cannot read. */
  | 'ROW_INVALID';

/** The one answer of `transform` for one event. */
export type TransformResult =
  | { status: 'ok'; event: AmazonEvent }
  | { status: 'filtered'; reason: { code: FilterCode; message: string } }
  | { status: 'invalid'; error: { code: InvalidCode; message: string; field?: string } };

/**
 * One transformed event handed to `deliver`, with the host's own id for it: the event as `transform` gave it,
 * or, from a host that queues events as JSON, that text (`JSON.stringify` of the event) and its `eventId`,
 * which spares a parse and a serialisation per event.
 */
export type DeliveryItem =
  { id: string; event: AmazonEvent } | { id: string; json: string; eventId?: string };

/** The plugin's own codes in delivery outcomes: why an event was rejected or is to be retried. */
export type DeliveryCode =
  /** Amazon refused credentials the plugin cannot renew (a retry: the events wait for a reconnect). */
  | 'AUTH_FAILED'
  /** 403: the token lacks a scope or the account lacks DSP access. */
  | 'ACCESS_DENIED'
  /** 404: the advertiser or profile is not there for these credentials. */
  | 'NOT_FOUND'
  /** Amazon refused the whole request (another 4xx). */
  | 'REQUEST_REJECTED'
  /** 429: Amazon is throttling the account. */
  | 'RATE_LIMITED'
  /** No answer, a timeout or a 5xx. */
  | 'AMAZON_UNAVAILABLE'
  /** A 2xx whose body could not be read per event. */
  | 'UNREADABLE_RESPONSE'
  /** Amazon's answer did not match the events sent (another eventId, an index twice). */
  | 'RESPONSE_MISMATCH'
  /** Amazon's answer did not mention the event. */
  | 'MISSING_FROM_RESPONSE'
  /** 413 for an event alone. */
  | 'CONTENT_TOO_LARGE'
  /** The item handed to deliver had no Amazon event. */
  | 'INVALID_ITEM'
  /** The deliver call ended before the event was sent. */
  | 'NOT_ATTEMPTED'
  /** A new access token could not be had (Login with Amazon unavailable). */
  | 'TOKEN_REFRESH_FAILED';

/**
 * An outcome's code: one of the plugin's own (`DeliveryCode`), or Amazon's per-event error code passed on as
 * Amazon gave it (`INVALID_MATCH_KEY`, …), which no list can close.
 */
export type OutcomeCode = DeliveryCode | (string & Record<never, never>);

/** The one outcome of `deliver` for one event. */
export type EventOutcome =
  | { id: string; status: 'delivered' }
  | { id: string; status: 'rejected'; code: OutcomeCode; message: string; fieldLocation?: string }
  | { id: string; status: 'retry'; code: OutcomeCode; message: string; retryAfterMs: number };

/** One HTTP request to Amazon, as the host's Delivery Log shows it. */
export interface RequestRecord {
  at: string;
  attempt: number;
  status: number | null;
  events: number;
  delivered: number;
  rejected: number;
  retry: number;
  durationMs: number;
  requestId?: string;
  error?: string;
}

/** What `deliver` returns: an outcome for every item given, in the same order, and the requests made. */
export interface DeliveryReport {
  outcomes: EventOutcome[];
  requests: RequestRecord[];
  /** True when Amazon refused credentials the plugin cannot renew: the host should ask the operator to reconnect. */
  needsReconnect: boolean;
}
