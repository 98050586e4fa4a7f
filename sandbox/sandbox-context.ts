import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRegion } from './accounts.js';
import type { TokenStore } from './token-store.js';
import type { AuthorizationCodes } from './authorize.js';
import type { Chaos, FaultQueue, FaultRoute } from './faults.js';
import type { AccountRateLimit } from './rate-limit.js';
import type { AcceptedEvents } from './accepted-events.js';
import type { ResolvedSandboxOptions } from './options.js';

/** An Amazon API a fault can target. */
export type ApiRoute = Exclude<FaultRoute, 'any'>;

/** One request as a resource's handler sees it. */
export interface SandboxCall {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** The region host the request came to (`/na`, `/eu`, `/fe` prefix), or none: every region. */
  region: SandboxRegion | undefined;
  /** The path without the region prefix. */
  path: string;
  body: { text: string; bytes: number };
  /** Answers JSON with an `x-amzn-RequestId`, counted and recorded (API routes). */
  reply(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** Counts and records an answer written another way. */
  record(status: number): void;
}

/** One request as the sandbox received it, for tests to assert on. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
  /** When it was received, by the sandbox's clock (`now`). */
  at: number;
}

/** Request and event counts since the start or the last reset. */
export interface SandboxCounters {
  requests: number;
  tokenRequests: number;
  eventRequests: number;
  eventsAccepted: number;
  eventsRejected: number;
  byStatus: Record<string, number>;
}

/** What every resource works with: the sandbox's options and state. */
export interface SandboxContext {
  readonly options: ResolvedSandboxOptions;
  readonly tokens: TokenStore;
  readonly codes: AuthorizationCodes;
  readonly faults: FaultQueue;
  readonly chaos: Chaos;
  readonly counters: SandboxCounters;
  readonly acceptedEvents: AcceptedEvents;
  readonly rateLimit: AccountRateLimit | undefined;
  /** The counters, ledger and pending faults, as `GET /__sandbox/state` shows them. */
  state(): Record<string, unknown>;
  /** Forgets faults, chaos, accepted events, requests and counts. */
  reset(): void;
  /** Every access token issued by refresh stops working now (and static ones when asked). */
  expireTokens(includeStatic?: boolean): void;
  /** The requests kept for inspection, newest last. */
  readonly requests: ReadonlyArray<ReceivedRequest>;
}

export type SandboxHandler = (call: SandboxCall, ctx: SandboxContext) => void | Promise<void>;

/** How a route is treated before its handler runs. */
export type RouteKind =
  /** An Amazon API: counted, recorded, subject to scripted faults and chaos under its fault route. */
  | { api: ApiRoute }
  /** A page (Login with Amazon's consent page): answered as is, not counted. */
  | 'page'
  /** A test control under `/__sandbox/`: answered as is, not counted. */
  | 'control';

export interface SandboxRoute {
  method: string;
  path: string;
  kind: RouteKind;
  handle: SandboxHandler;
}

/** Mounts one resource's routes. */
export type SandboxRoutes = (add: (route: SandboxRoute) => void) => void;
