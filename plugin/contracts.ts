/**
 * The contract between the host and this plugin's lifecycle hooks: what goes in and what comes out.
 */
import type { AmazonEvent } from './amazon/event-types.js';

/** Signal's canonical event (../shared/signal-host.md, reference/event-schema). Unknown input is `unknown`. */
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
  | 'INPUT_NOT_JSON';

/** The one answer of `transform` for one event. */
export type TransformResult =
  | { status: 'ok'; event: AmazonEvent }
  | { status: 'filtered'; reason: { code: FilterCode; message: string } }
  | { status: 'invalid'; error: { code: InvalidCode; message: string; field?: string } };

/** One transformed event handed to `deliver`, with the host's own id for it. */
export interface DeliveryItem {
  id: string;
  event: AmazonEvent;
}

/** The one outcome of `deliver` for one event. */
export type EventOutcome =
  | { id: string; status: 'delivered' }
  | { id: string; status: 'rejected'; code: string; message: string; fieldLocation?: string }
  | { id: string; status: 'retry'; code: string; message: string; retryAfterMs: number };

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
  /** True when Amazon refused the credentials for good: the host should ask the operator to reconnect. */
  needsReconnect: boolean;
}
