import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNTS, type SandboxAccount, type SandboxRegion } from './accounts.js';
import { TokenStore } from './token-store.js';
import { FaultQueue, seededRandom, type ChaosSettings, type FaultRule } from './faults.js';
import { validateEvent, type SandboxEventError } from './event-rules.js';
import { openApiValidator } from './openapi.js';
import { bearer, header, readBody, sendJson } from './http-util.js';
import { AccountRateLimit } from './rate-limit.js';
import {
  ADS_SCOPES,
  AuthorizationCodes,
  consentPage,
  errorPage,
  isRegisteredRedirect,
  redirect,
} from './authorize.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /**
   * Lifetime of every access token, in seconds (default 3600, as Login with Amazon's): issued ones from their
   * issue, the accounts' well-known ones (the seed's `Atza|IwEBIA...`) from the sandbox's start.
   */
  tokenTtlSeconds?: number;
  /** Request bodies above this answer 413 CONTENT_TOO_LARGE. */
  maxBodyBytes?: number;
  /** Keep the accepted events themselves ('full') or only their ids and counts ('ids', for big runs). */
  recordMode?: 'full' | 'ids';
  /** For events with the same eventId: SPEC says the latest is kept, GTMDOC says the first. */
  dedupe?: 'latest' | 'first';
  /** How many received requests to keep for inspection (0 for benchmarks). */
  keepRequests?: number;
  /**
   * Also enforce what Amazon's server-side GTM tag checks and the API does not state (a purchase value needs a
   * currency, currency and units on purchases only, no event time in the future, the tag's forbidden name
   * characters), and refuse an advertiser on another region's host. Off by default: only Amazon's own rules.
   */
  tagRules?: boolean;
  /**
   * Throttle the Events API like Amazon: this many requests a second per advertiser account (a token bucket
   * with as large a burst); above it, 429 TOO_MANY_REQUESTS with Retry-After. 0 or absent: no limit.
   */
  rateLimit?: number;
  /** Return URLs the applications registered besides the reference host's loopback callback. */
  redirectUris?: string[];
  now?: () => number;
}

/** One request as the sandbox received it, for tests to assert on. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

export interface AcceptedEvent {
  accountId: string;
  eventId?: string;
  event?: Record<string, unknown>;
  receivedAt: number;
}

type Route = 'token' | 'profiles' | 'advertiserAccounts' | 'events';

const HARD_BODY_LIMIT = 64 * 1024 * 1024;

/** Request and event counts since the start or the last reset. */
const zeroCounters = () => ({
  requests: 0,
  tokenRequests: 0,
  eventRequests: 0,
  eventsAccepted: 0,
  eventsRejected: 0,
  byStatus: {} as Record<string, number>,
});

/** The attribution ledger's counts since the start or the last reset. */
const zeroLedger = () => ({ attributable: 0, notAttributable: 0, userDataDenied: 0, limitedDataUse: 0 });

/**
 * A local Amazon Ads API: Login with Amazon, profiles, advertiser accounts and the Events API, faithful to
 * ../shared/amazon/events-api.md and validating against Amazon's OpenAPI file. Region hosts are path prefixes
 * (`/na`, `/eu`, `/fe`); without a prefix it answers for every region.
 */
export class Sandbox {
  readonly faults = new FaultQueue();
  /** Throttling per advertiser account, when `rateLimit` is set. */
  readonly rateLimit: AccountRateLimit | undefined;
  chaos: ChaosSettings = {};
  readonly counters = zeroCounters();
  /**
   * What the advertiser gets of the accepted events (duplicates included): an event is attributable unless
   * its consent denies the use of user data (`amznUserData: DENIED`) or it asks for limited data use, either of
   * which keeps Amazon from using it for matching and measurement (events-api.md §3, SPEC CreateConsent,
   * `dataProcessingOptions`: such events "will not be processed").
   */
  readonly ledger = zeroLedger();
  /** Accepted events by `accountId:eventId` (events without an id get a generated key). */
  readonly accepted = new Map<string, AcceptedEvent>();
  /** How many times each `accountId:eventId` was accepted; above 1 is a duplicate delivery. */
  readonly acceptedCounts = new Map<string, number>();
  readonly requests: ReceivedRequest[] = [];

  private readonly tokens: TokenStore;
  private readonly codes: AuthorizationCodes;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<ServerResponse>();
  private random = seededRandom(1);
  private readonly options: Required<Omit<SandboxOptions, 'port' | 'host'>>;
  url = '';

  constructor(options: SandboxOptions = {}) {
    this.options = {
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      maxBodyBytes: options.maxBodyBytes ?? 2_000_000,
      recordMode: options.recordMode ?? 'full',
      dedupe: options.dedupe ?? 'latest',
      keepRequests: options.keepRequests ?? 500,
      tagRules: options.tagRules ?? false,
      rateLimit: options.rateLimit ?? 0,
      redirectUris: options.redirectUris ?? [],
      now: options.now ?? Date.now,
    };
    if (this.options.rateLimit > 0)
      this.rateLimit = new AccountRateLimit(this.options.rateLimit, this.options.now);
    this.tokens = new TokenStore(SANDBOX_ACCOUNTS, this.options.now, this.options.tokenTtlSeconds);
    this.codes = new AuthorizationCodes(this.options.now);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL_ERROR', message: String(error) });
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
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
    this.chaos = chaos;
    this.random = seededRandom(chaos.seed ?? 1);
  }

  /** Every access token issued by refresh stops working now (and static ones when asked). */
  expireTokens(includeStatic = false): void {
    this.tokens.expireAll(includeStatic);
  }

  revokeRefreshToken(refreshToken: string): void {
    this.tokens.revokeRefreshToken(refreshToken);
  }

  /** Accepted deliveries beyond the first for the same event id. */
  get duplicates(): number {
    let n = 0;
    for (const c of this.acceptedCounts.values()) n += c - 1;
    return n;
  }

  state(): Record<string, unknown> {
    return {
      counters: this.counters,
      ledger: this.ledger,
      accepted: this.accepted.size,
      duplicates: this.duplicates,
      pendingFaults: this.faults.pending,
      ...(this.rateLimit
        ? { rateLimit: { perSecond: this.rateLimit.perSecond, byAccount: this.rateLimit.state() } }
        : {}),
    };
  }

  reset(): void {
    this.faults.clear();
    this.rateLimit?.reset();
    this.setChaos({});
    this.accepted.clear();
    this.acceptedCounts.clear();
    this.requests.length = 0;
    // Reset in place: callers may hold these objects.
    Object.assign(this.ledger, zeroLedger());
    Object.assign(this.counters, zeroCounters());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req, HARD_BODY_LIMIT);
    if (url.pathname.startsWith('/__sandbox/')) return this.control(url, req.method ?? 'GET', body.text, res);
    if (url.pathname === '/ap/oa' && (req.method === 'GET' || req.method === 'POST'))
      return this.authorize(
        req.method,
        req.method === 'GET' ? url.searchParams : new URLSearchParams(body.text),
        res,
      );

    this.counters.requests++;
    const record = (status: number): void => {
      this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
      if (this.options.keepRequests > 0) {
        this.requests.push({
          method: req.method ?? '',
          path: url.pathname,
          headers: req.headers,
          body: body.text,
          status,
        });
        if (this.requests.length > this.options.keepRequests) this.requests.shift();
      }
    };
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record(status);
      sendJson(res, status, payload, { 'x-amzn-RequestId': randomUUID(), ...headers });
    };

    const m = /^(?:\/(na|eu|fe))?(\/.*)$/.exec(url.pathname)!;
    const region = m[1]?.toUpperCase() as SandboxRegion | undefined;
    const path = m[2]!;
    const route: Route | undefined =
      path === '/auth/o2/token' && req.method === 'POST'
        ? 'token'
        : path === '/v2/profiles' && req.method === 'GET'
          ? 'profiles'
          : path === '/adsApi/v1/query/advertiserAccounts' && req.method === 'POST'
            ? 'advertiserAccounts'
            : path === '/adsApi/v1/create/events' && req.method === 'POST'
              ? 'events'
              : undefined;
    if (!route) return reply(404, { code: 'NOT_FOUND', message: `No route ${req.method} ${url.pathname}` });

    if (route === 'token') this.counters.tokenRequests++;
    if (route === 'events') this.counters.eventRequests++;
    const fault = this.faults.take(route) ?? this.chaosFault(route);
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

    switch (route) {
      case 'token':
        return this.token(req, body.text, reply);
      case 'profiles':
        return this.profiles(req, region, reply, record, res);
      case 'advertiserAccounts':
        return this.advertiserAccounts(req, body.text, reply);
      case 'events':
        return this.events(req, region, body, reply);
    }
  }

  private chaosFault(route: Route): FaultRule | undefined {
    if (route !== 'events') return undefined;
    const c = this.chaos;
    const table: Array<[number | undefined, () => FaultRule]> = [
      [c.rateLimited, () => ({ route, status: 429, retryAfter: String(c.retryAfterSeconds ?? 1) })],
      [c.rateLimitedWithoutRetryAfter, () => ({ route, status: 429 })],
      [c.serverError, () => ({ route, status: this.random() < 0.5 ? 500 : 503 })],
      [c.stall, () => ({ route, stall: true })],
    ];
    const r = this.random();
    let edge = 0;
    for (const [p, fault] of table) {
      edge += p ?? 0;
      if (r < edge) return fault();
    }
    return undefined;
  }

  private token(req: IncomingMessage, text: string, reply: Reply): void {
    if (header(req, 'authorization')) {
      return reply(400, {
        error: 'invalid_request',
        error_description: 'The request has an unexpected Authorization header',
      });
    }
    if (!(header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply(400, {
        error: 'invalid_request',
        error_description: 'Content-Type must be application/x-www-form-urlencoded',
      });
    }
    const form = new URLSearchParams(text);
    if (form.get('grant_type') === 'authorization_code') return this.exchangeCode(form, reply);
    if (form.get('grant_type') !== 'refresh_token') {
      return reply(400, {
        error: 'unsupported_grant_type',
        error_description: 'Only the refresh_token and authorization_code grants are supported',
      });
    }
    const account = this.tokens.accountForRefresh(
      form.get('client_id') ?? '',
      form.get('client_secret') ?? '',
    );
    if (!account)
      return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    if (!this.tokens.isRefreshTokenValid(account, form.get('refresh_token') ?? '')) {
      return reply(400, {
        error: 'invalid_grant',
        error_description: 'The request has an invalid grant parameter : refresh_token',
      });
    }
    reply(200, {
      access_token: this.tokens.issue(account),
      token_type: 'bearer',
      expires_in: this.options.tokenTtlSeconds,
      refresh_token: account.refreshToken,
    });
  }

  /**
   * Login with Amazon's authorization endpoint (events-api.md §6): GET shows the consent page for a known client
   * and a registered redirect URI; its form posts back here, and Allow redirects with a code, Cancel with
   * `error=access_denied`. An unknown client or an unregistered redirect URI gets an error page, never a redirect.
   */
  private authorize(method: string, params: URLSearchParams, res: ServerResponse): void {
    const account = SANDBOX_ACCOUNTS.find((a) => a.clientId === params.get('client_id'));
    if (!account) return errorPage(res, 'The client_id is not known');
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!isRegisteredRedirect(redirectUri, this.options.redirectUris))
      return errorPage(res, 'The redirect_uri is not registered for this application');
    const state = params.get('state');
    const answer = (p: Record<string, string>) => redirect(res, redirectUri, state ? { ...p, state } : p);
    if (params.get('response_type') !== 'code') return answer({ error: 'unsupported_response_type' });
    const scope = params.get('scope') ?? '';
    if (!ADS_SCOPES.includes(scope)) return answer({ error: 'invalid_scope' });
    if (method === 'GET') return consentPage(res, `Amazon DSP Events (${account.key})`, params);
    if (params.has('approve')) return answer({ code: this.codes.issue(account, redirectUri), scope });
    answer({ error: 'access_denied', error_description: 'The user denied the request' });
  }

  /** `grant_type=authorization_code`: a code once, within 5 minutes, for its client and redirect URI. */
  private exchangeCode(form: URLSearchParams, reply: Reply): void {
    const account = this.tokens.accountForRefresh(
      form.get('client_id') ?? '',
      form.get('client_secret') ?? '',
    );
    if (!account)
      return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const granted = this.codes.redeem(
      form.get('code') ?? '',
      form.get('client_id') ?? '',
      form.get('redirect_uri') ?? '',
    );
    if (typeof granted === 'string')
      return reply(400, { error: 'invalid_grant', error_description: granted });
    reply(200, {
      access_token: this.tokens.issue(granted),
      token_type: 'bearer',
      expires_in: this.options.tokenTtlSeconds,
      refresh_token: granted.refreshToken,
    });
  }

  /**
   * Common checks of an Ads API call: a live bearer token and a known client id in the API's own header. The
   * v1 APIs answer `{code, message}` (SPEC); the legacy `/v2` ones their own `{code, details, requestId}`
   * (events-api.md §5), and take only the legacy `Amazon-Advertising-API-ClientId` header (§7).
   */
  private authenticate(req: IncomingMessage, api: 'v1' | 'legacy', reply: Reply): SandboxAccount | undefined {
    const clientIdHeader = api === 'v1' ? 'Amazon-Ads-ClientId' : 'Amazon-Advertising-API-ClientId';
    const refuse = (status: number, code: string, message: string): undefined => {
      reply(
        status,
        api === 'v1'
          ? { code, message }
          : { code: String(status), details: message, requestId: randomUUID() },
      );
      return undefined;
    };
    const account = this.tokens.accountOf(bearer(req));
    if (!account)
      return refuse(401, 'UNAUTHORIZED', 'Not authorized: the access token is missing, invalid or expired');
    const clientId = header(req, clientIdHeader);
    if (!clientId) return refuse(400, 'BAD_REQUEST', `Missing required header ${clientIdHeader}`);
    if (!this.tokens.isKnownClientId(clientId))
      return refuse(401, 'UNAUTHORIZED', 'The client id is not valid for this access token');
    return account;
  }

  private profiles(
    req: IncomingMessage,
    region: SandboxRegion | undefined,
    reply: Reply,
    record: (s: number) => void,
    res: ServerResponse,
  ): void {
    const account = this.authenticate(req, 'legacy', reply);
    if (!account) return;
    const profiles = account.profiles.filter((p) => !region || p.region === region);
    // profileId is a JSON number, written digit for digit even beyond 2^53, as Amazon does.
    const text = `[${profiles
      .map((p) => {
        const { profileId, region: _r, ...rest } = p;
        void _r;
        return JSON.stringify({ profileId: '__ID__', ...rest }).replace('"__ID__"', profileId);
      })
      .join(',')}]`;
    record(200);
    sendJson(res, 200, text);
  }

  private advertiserAccounts(req: IncomingMessage, text: string, reply: Reply): void {
    const account = this.authenticate(req, 'v1', reply);
    if (!account) return;
    if (account.forbidden)
      return reply(403, {
        code: 'FORBIDDEN',
        message: 'Access denied: the caller lacks advertiser account access',
      });
    const body = safeJson(text ?? '') ?? {};
    const validate = openApiValidator('QueryAdvertiserAccountRequest');
    if (!validate(body))
      return reply(400, {
        code: 'BAD_REQUEST',
        message: `Invalid request: ${validate.errors?.[0]?.message ?? ''}`,
      });
    const {
      maxResults = 100,
      nextToken,
      isGlobalAccountFilter,
    } = body as { maxResults?: number; nextToken?: string; isGlobalAccountFilter?: { include?: boolean[] } };
    // SPEC QueryAdvertiserAccountRequest: the filter lists which isGlobalAccount values to return.
    const include = isGlobalAccountFilter?.include;
    const listed = account.advertiserAccounts.filter((a) => !include || include.includes(a.isGlobalAccount));
    const start = nextToken ? Number(nextToken) : 0;
    const page = listed.slice(start, start + maxResults);
    const next = start + maxResults < listed.length ? String(start + maxResults) : undefined;
    reply(200, { advertiserAccounts: page, ...(next ? { nextToken: next } : {}) });
  }

  private events(
    req: IncomingMessage,
    region: SandboxRegion | undefined,
    body: { text: string; bytes: number },
    reply: Reply,
  ): void {
    const caller = this.eventsCaller(req, reply);
    if (!caller) return;
    const { account, dataSetId } = caller;
    const managerId = header(req, 'Amazon-Ads-Manager-AccountId');
    const accountId = managerId ?? header(req, 'Amazon-Ads-AccountId');
    if (!accountId)
      return reply(400, {
        code: 'BAD_REQUEST',
        message: 'Missing required header Amazon-Ads-AccountId (or Amazon-Ads-Manager-AccountId)',
      });
    if (account.forbidden)
      return reply(403, {
        code: 'FORBIDDEN',
        message: 'Access denied: event_manager_edit permission is required',
      });
    if (managerId !== undefined) {
      // events-api.md §2: the manager account replaces the advertiser; an API token is bound to one.
      const manager = account.managerAccounts?.find((m) => m.managerAccountId === managerId);
      if (!manager || (caller.managerAccountId !== undefined && caller.managerAccountId !== managerId))
        return reply(403, { code: 'FORBIDDEN', message: 'Access denied to this manager account' });
    } else {
      if (caller.managerAccountId !== undefined)
        return reply(400, {
          code: 'BAD_REQUEST',
          message: 'An API token sends events for its manager account: use Amazon-Ads-Manager-AccountId',
        });
      // Amazon-Ads-AccountId: the numeric DSP advertiser id, or the advertiser account id (amzn1.ads-account.g…).
      const accounts = account.advertiserAccounts.filter(
        (a) =>
          a.advertiserAccountId === accountId ||
          a.alternateIds.some((alt) => alt.dspAdvertiserId === accountId),
      );
      if (accounts.length === 0)
        return reply(403, { code: 'FORBIDDEN', message: 'Access denied to this advertiser account' });
      const regions = accounts.flatMap((a) =>
        a.alternateIds.filter(
          (alt) => a.advertiserAccountId === accountId || alt.dspAdvertiserId === accountId,
        ),
      );
      // Inferred, not stated by Amazon (events-api.md §2 names the hosts per region): only with tagRules.
      if (this.options.tagRules && region && !regions.some((alt) => alt.region === region)) {
        return reply(404, { code: 'NOT_FOUND', message: `Advertiser account not found in region ${region}` });
      }
    }
    const wait = this.rateLimit?.take(accountId);
    if (wait !== undefined)
      return reply(
        429,
        { code: 'TOO_MANY_REQUESTS', message: 'Rate exceeded for this advertiser account' },
        { 'retry-after': String(wait) },
      );
    const type = header(req, 'content-type') ?? '';
    if (!/^application\/(json|vnd\.dspconversioneventimport\.v1\+json)\b/.test(type)) {
      return reply(415, { code: 'BAD_REQUEST', message: 'Unsupported Content-Type' });
    }
    if (body.bytes > this.options.maxBodyBytes) {
      return reply(413, {
        code: 'CONTENT_TOO_LARGE',
        message: 'Request payload is too large. Consider splitting it into multiple requests.',
      });
    }
    const parsed = safeJson(body.text);
    if (parsed === undefined)
      return reply(400, { code: 'BAD_REQUEST', message: 'Request body is not valid JSON' });
    const events = (parsed as { events?: unknown }).events;
    if (
      !Array.isArray(events) ||
      events.length < 1 ||
      events.length > 500 ||
      Object.keys(parsed as object).some((k) => k !== 'events')
    ) {
      return reply(400, {
        code: 'BAD_REQUEST',
        message: 'events must be an array of 1 to 500 events, and nothing else at the top level',
      });
    }
    const now = this.options.now();
    const success: Array<{ index: number; event: unknown }> = [];
    const error: Array<{ index: number; errors: SandboxEventError[] }> = [];
    events.forEach((event, index) => {
      const errors = validateEvent(event, index, now, this.options.tagRules);
      const eventDataSet = (event as { dataSetId?: unknown } | null)?.dataSetId;
      if (dataSetId !== undefined && eventDataSet !== dataSetId)
        errors.push({
          code: 'FIELD_VALUE_IS_INVALID',
          message: 'dataSetId must be the dataset the API token is bound to',
          fieldLocation: `events[${index}].dataSetId`,
        });
      if (errors.length === 0 && this.chaos.eventError && this.random() < this.chaos.eventError) {
        errors.push({
          code: 'FIELD_VALUE_IS_INVALID',
          message: 'Injected per-event error',
          fieldLocation: `events[${index}]`,
        });
      }
      if (errors.length > 0) {
        error.push({ index, errors });
        return;
      }
      success.push({ index, event });
      this.store(accountId, event as Record<string, unknown>, now);
    });
    this.counters.eventsAccepted += success.length;
    this.counters.eventsRejected += error.length;
    reply(207, { success, error });
  }

  /**
   * Who sends events: an API token (Amazon-Advertising-API-Token, in place of Bearer and client id, bound to a
   * manager account and a dataset), or a bearer token with its client id.
   */
  private eventsCaller(
    req: IncomingMessage,
    reply: Reply,
  ): { account: SandboxAccount; managerAccountId?: string; dataSetId?: string } | undefined {
    const apiToken = header(req, 'Amazon-Advertising-API-Token');
    if (apiToken === undefined) {
      const account = this.authenticate(req, 'v1', reply);
      return account ? { account } : undefined;
    }
    for (const account of SANDBOX_ACCOUNTS) {
      const bound = account.apiTokens?.find((t) => t.token === apiToken);
      if (bound) return { account, managerAccountId: bound.managerAccountId, dataSetId: bound.dataSetId };
    }
    reply(401, { code: 'UNAUTHORIZED', message: 'Not authorized: the API token is invalid or revoked' });
    return undefined;
  }

  private store(accountId: string, event: Record<string, unknown>, now: number): void {
    this.account(event);
    const eventId = typeof event.eventId === 'string' ? event.eventId : undefined;
    const key = `${accountId}:${eventId ?? randomUUID()}`;
    this.acceptedCounts.set(key, (this.acceptedCounts.get(key) ?? 0) + 1);
    if (this.options.dedupe === 'first' && this.accepted.has(key)) return;
    this.accepted.set(key, {
      accountId,
      eventId,
      receivedAt: now,
      ...(this.options.recordMode === 'full' ? { event } : {}),
    });
  }

  /** Counts the event in the ledger: attributable, or not and why. */
  private account(event: Record<string, unknown>): void {
    const consent = event.consent as { amazonConsent?: { amznUserData?: string } } | undefined;
    const denied = consent?.amazonConsent?.amznUserData === 'DENIED';
    const limited =
      (event.dataProcessingOptions as { options?: string } | undefined)?.options === 'LIMITED_DATA_USE';
    if (denied) this.ledger.userDataDenied++;
    if (limited) this.ledger.limitedDataUse++;
    if (denied || limited) this.ledger.notAttributable++;
    else this.ledger.attributable++;
  }

  private control(url: URL, method: string, text: string, res: ServerResponse): void {
    const body = safeJson(text);
    const ok = (payload: unknown = { ok: true }): void => sendJson(res, 200, payload);
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'GET /__sandbox/state':
        return ok(this.state());
      case 'GET /__sandbox/events': {
        const limit = Number(url.searchParams.get('limit') ?? 1000);
        return ok({ data: [...this.accepted.values()].slice(-limit), duplicates: this.duplicates });
      }
      case 'POST /__sandbox/faults':
        for (const rule of Array.isArray(body) ? body : [body]) this.faults.add(rule as FaultRule);
        return ok({ pendingFaults: this.faults.pending });
      case 'POST /__sandbox/chaos':
        this.setChaos((body ?? {}) as ChaosSettings);
        return ok();
      case 'POST /__sandbox/expire-tokens':
        this.expireTokens(Boolean((body as { includeStatic?: boolean } | undefined)?.includeStatic));
        return ok();
      case 'POST /__sandbox/reset':
        this.reset();
        return ok();
      default:
        return sendJson(res, 404, { code: 'NOT_FOUND', message: `No control route ${route}` });
    }
  }
}

type Reply = (status: number, payload: unknown, headers?: Record<string, string>) => void;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function defaultFaultBody(status: number): unknown {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    413: 'CONTENT_TOO_LARGE',
    429: 'TOO_MANY_REQUESTS',
  };
  return { code: codes[status] ?? 'INTERNAL_ERROR', message: `Injected HTTP ${status}` };
}

/** Starts a sandbox on loopback (a random port unless given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(options).listen(options.port ?? 0, options.host ?? '127.0.0.1');
}
