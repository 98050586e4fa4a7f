import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { SANDBOX_ACCOUNTS } from './accounts.js';
import { TokenStore } from './token-store.js';
import { Chaos, defaultFaultBody, FaultQueue, type ChaosSettings } from './faults.js';
import { bearer, hasBody, readBody, sendJson, sendJsonAndClose } from './http-util.js';
import { AccountRateLimit } from './rate-limit.js';
import { AuthorizationCodes } from './authorize.js';
import { AcceptedEvents, type AcceptedEvent, type Ledger } from './accepted-events.js';
import { resolveOptions, type ResolvedSandboxOptions, type SandboxOptions } from './options.js';
import { SandboxRouter } from './sandbox-router.js';
import type { ReceivedRequest, SandboxCall, SandboxContext, SandboxCounters } from './sandbox-context.js';

export type { ReceivedRequest } from './sandbox-context.js';

export type { SandboxOptions } from './options.js';
export type { AcceptedEvent } from './accepted-events.js';

/** The body limit of every route but the Events API's (`maxBodyBytes`): forms, controls, accounts, the tag. */
const OTHER_BODY_LIMIT = 1_000_000;
/** Amazon's answer to a body over the limit (`CONTENT_TOO_LARGE` in amazon-reference/openapi-events.json). */
const TOO_LARGE = {
  code: 'CONTENT_TOO_LARGE',
  message: 'Request payload is too large. Consider splitting it into multiple requests.',
};
/** `Host` names always answered: loopback, by name and address. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const zeroCounters = (): SandboxCounters => ({
  requests: 0,
  tokenRequests: 0,
  eventRequests: 0,
  eventsAccepted: 0,
  eventsRejected: 0,
  byStatus: {},
});

/**
 * A local Amazon Ads API: Login with Amazon, profiles, advertiser accounts and the Events API, faithful to
 * Amazon's documents and validating against Amazon's OpenAPI file. Region hosts are path prefixes (`/na`, `/eu`,
 * `/fe`); without a prefix it answers for every region. The resources live in `resources/`, one file each
 * (see `sandbox-router.ts`); this class holds the state they share and the one boundary every request passes.
 */
export class Sandbox implements SandboxContext {
  readonly faults = new FaultQueue();
  readonly chaos = new Chaos();
  /** Throttling per advertiser account, when `rateLimit` is set. */
  readonly rateLimit: AccountRateLimit | undefined;
  readonly counters = zeroCounters();
  readonly acceptedEvents: AcceptedEvents;
  readonly requests: ReceivedRequest[] = [];
  readonly options: ResolvedSandboxOptions;
  readonly tokens: TokenStore;
  readonly codes: AuthorizationCodes;

  private readonly router = new SandboxRouter();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<ServerResponse>();
  private readonly allowedHosts: Set<string>;
  private keptChars = 0;
  url = '';

  constructor(options: SandboxOptions = {}) {
    this.options = resolveOptions(options);
    if (this.options.rateLimit > 0)
      this.rateLimit = new AccountRateLimit(this.options.rateLimit, this.options.now);
    this.tokens = new TokenStore(SANDBOX_ACCOUNTS, this.options.now, this.options.tokenTtlSeconds);
    this.codes = new AuthorizationCodes(this.options.now);
    this.acceptedEvents = new AcceptedEvents(this.options.dedupe, this.options.recordMode);
    this.allowedHosts = new Set([...LOOPBACK_HOSTS, ...this.options.allowedHosts]);
    this.server = createServer((req, res) => void this.guarded(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Accepted events by `accountId:eventId` (events without an id get a generated key). */
  get accepted(): Map<string, AcceptedEvent> {
    return this.acceptedEvents.byKey;
  }

  /** How many times each `accountId:eventId` was accepted; above 1 is a duplicate delivery. */
  get acceptedCounts(): Map<string, number> {
    return this.acceptedEvents.counts;
  }

  /** What the advertiser gets of the accepted events (see `AcceptedEvents.ledger`). */
  get ledger(): Ledger {
    return this.acceptedEvents.ledger;
  }

  /** Accepted deliveries beyond the first for the same event id. */
  get duplicates(): number {
    return this.acceptedEvents.duplicates;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    if (host !== '0.0.0.0' && host !== '::') this.allowedHosts.add(host.includes(':') ? `[${host}]` : host);
    this.url = `http://${host}:${address.port}`;
    return this;
  }

  /** Stops serving; stalled answers and open connections are cut. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    for (const res of this.stalled) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  setChaos(chaos: ChaosSettings): void {
    this.chaos.set(chaos);
  }

  /** Every access token issued by refresh stops working now (and static ones when asked). */
  expireTokens(includeStatic = false): void {
    this.tokens.expireAll(includeStatic);
  }

  revokeRefreshToken(refreshToken: string): void {
    this.tokens.revokeRefreshToken(refreshToken);
  }

  state(): Record<string, unknown> {
    return {
      counters: this.counters,
      ledger: this.ledger,
      attribution: this.acceptedEvents.attribution.state(),
      accepted: this.accepted.size,
      duplicates: this.duplicates,
      pendingFaults: this.faults.pending,
      poisonedEventIds: this.faults.poisoned.size,
      ...(this.rateLimit
        ? { rateLimit: { perSecond: this.rateLimit.perSecond, byAccount: this.rateLimit.state() } }
        : {}),
    };
  }

  reset(): void {
    this.faults.clear();
    this.rateLimit?.reset();
    this.setChaos({});
    this.acceptedEvents.clear();
    this.requests.length = 0;
    this.keptChars = 0;
    // Reset in place: callers may hold the counters.
    Object.assign(this.counters, zeroCounters());
  }

  /** Whether a control may run: no control token set, or the request's bearer token is it. */
  private controlAllowed(req: IncomingMessage): boolean {
    const expected = this.options.controlToken;
    if (expected === undefined) return true;
    const given = bearer(req) ?? '';
    // Compared as digests: constant time whatever the lengths.
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(given), digest(expected));
  }

  /** Keeps a request for inspection, within `keepRequests` requests and `keepTotalChars` of bodies. */
  private keep(request: ReceivedRequest): void {
    this.requests.push(request);
    this.keptChars += request.body.length;
    while (
      this.requests.length > this.options.keepRequests ||
      (this.keptChars > this.options.keepTotalChars && this.requests.length > 1)
    )
      this.keptChars -= this.requests.shift()!.body.length;
  }

  /**
   * The one boundary every request passes: a target that is not a URL answers 400, anything unexpected 500
   * (the connection cut when the answer had begun); the process stays up either way.
   */
  private async guarded(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = parseTarget(req.url);
      if (!url) {
        req.resume();
        return sendJson(res, 400, { code: 'BAD_REQUEST', message: 'The request target is not a valid URL' });
      }
      await this.handle(req, res, url);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else
        sendJson(res, 500, {
          code: 'INTERNAL_ERROR',
          message: error instanceof Error ? error.name : 'Error',
        });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    // Nothing is read before these checks: a request that fails them never has its body held.
    if (!this.allowedHosts.has(hostName(req.headers.host)))
      return sendJsonAndClose(res, 421, {
        code: 'MISDIRECTED_REQUEST',
        message:
          'The sandbox answers only loopback Host names (localhost, 127.0.0.1, [::1]) unless configured',
      });
    const control = url.pathname.startsWith('/__sandbox/');
    if (control && !this.controlAllowed(req))
      return sendJsonAndClose(res, 401, {
        code: 'UNAUTHORIZED',
        message: 'The sandbox controls need Authorization: Bearer <control token>',
      });
    const { route, region, path } = this.router.find(method, url.pathname);
    const counted = route === undefined ? !control : typeof route.kind === 'object';
    const at = this.options.now();
    if (counted) this.counters.requests++;
    let body = { text: '', bytes: 0 };
    const record = (status: number): void => {
      if (!counted) return;
      this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
      if (this.options.keepRequests > 0)
        this.keep({
          method,
          path: url.pathname,
          headers: req.headers,
          body: body.text.slice(0, this.options.keepBodyChars),
          status,
          at,
        });
    };
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record(status);
      sendJson(res, status, payload, { 'x-amzn-RequestId': randomUUID(), ...headers });
    };

    if (!route) {
      const payload = control
        ? { code: 'NOT_FOUND', message: `No control route ${method} ${url.pathname}` }
        : { code: 'NOT_FOUND', message: `No route ${method} ${url.pathname}` };
      record(404);
      // An unknown route's body is never read: the answer closes the connection when one was sent.
      const headers: Record<string, string> = control ? {} : { 'x-amzn-RequestId': randomUUID() };
      return hasBody(req)
        ? sendJsonAndClose(res, 404, payload, headers)
        : sendJson(res, 404, payload, headers);
    }
    const limit =
      typeof route.kind === 'object' && route.kind.api === 'events'
        ? this.options.maxBodyBytes
        : OTHER_BODY_LIMIT;
    const read = await readBody(req, limit);
    if (read.tooLarge) {
      record(413);
      return sendJsonAndClose(res, 413, TOO_LARGE, { 'x-amzn-RequestId': randomUUID() });
    }
    body = read;
    const call: SandboxCall = { req, res, method, url, region, path, body, reply, record };

    if (typeof route.kind === 'object') {
      const api = route.kind.api;
      if (api === 'token') this.counters.tokenRequests++;
      if (api === 'events') this.counters.eventRequests++;
      const fault = this.faults.take(api) ?? this.chaos.fault(api);
      if (fault?.stall) {
        record(0);
        this.stalled.add(res);
        res.on('close', () => this.stalled.delete(res));
        return;
      }
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.status) {
        const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
        return reply(fault.status, fault.body ?? defaultFaultBody(fault.status), headers);
      }
    }
    await route.handle(call, this);
  }
}

/** A `Host` header without its port, lower-cased (`[::1]:80` → `[::1]`); empty when absent. */
function hostName(host: string | undefined): string {
  const text = (host ?? '').toLowerCase();
  if (text.startsWith('[')) return text.slice(0, text.indexOf(']') + 1);
  const colon = text.indexOf(':');
  return colon === -1 ? text : text.slice(0, colon);
}

/** The request target as a URL, or undefined when it is not one (`//x:99999/`, `//[`, `http://a:b:c/`). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://sandbox');
  } catch {
    return undefined;
  }
}

/** Starts a sandbox on loopback (a random port unless given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(options).listen(options.port ?? 0, options.host ?? '127.0.0.1');
}
