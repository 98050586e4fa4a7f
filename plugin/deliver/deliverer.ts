import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import type { HostSettings } from '../host-settings.js';
import type { Installation } from '../installation.js';
import type { DeliveryItem, DeliveryReport, EventOutcome, OutcomeCode, RequestRecord } from '../contracts.js';
import { AmazonAdsApi, eventsTarget } from '../amazon/ads-api.js';
import { isApiTokenMode } from '../install/api-token-installation.js';
import {
  classifyEventsResponse,
  forUnverifiedAdvertiser,
  type BatchVerdict,
} from '../amazon/classify-events.js';
import type { AmazonResponse } from '../amazon/http.js';
import { AuthError, errorMessage } from '../errors.js';
import { TokenProvider } from '../auth/token-provider.js';
import { authorisedCall } from '../auth/authorised-call.js';
import { LIMITS, HEADERS } from '../constants.js';
import { troubleshooting } from '../catalog/manifest.js';
import { AdvertiserLimiter } from './advertiser-limiter.js';
import type { RequestPace } from '../state/request-pace.js';
import { backoffMs } from './backoff.js';
import { batchBody, Batcher, type PreparedEvent } from './batching.js';
import type { DeliverySettings } from './delivery-settings.js';
import { PluginTelemetry } from '../telemetry/plugin-telemetry.js';

/** An item's event as JSON, and its eventId; undefined when the item carries no event. */
function preparedJson(item: DeliveryItem | undefined): { json: string; eventId?: string } | undefined {
  if (!item) return undefined;
  if ('json' in item)
    return typeof item.json === 'string' ? { json: item.json, eventId: item.eventId } : undefined;
  const { event } = item;
  return typeof event === 'object' && event !== null
    ? { json: JSON.stringify(event), eventId: event.eventId }
    : undefined;
}

/** How long events that wait for a reconnect ask the host to wait before trying again. */
const RECONNECT_RETRY_AFTER_MS = 60_000;

/** One deliver call's shared state: outcomes by input position, requests made, the retry budget. */
interface Run {
  outcomes: Array<EventOutcome | undefined>;
  requests: RequestRecord[];
  deadline: number;
  needsReconnect: boolean;
}

/**
 * Sends one installation's events to Amazon and accounts for every one of them. Lives in the installation's
 * child container, with that installation's token provider and its advertiser's limiter; the pace of its
 * advertiser's requests is the plugin's (shared between processes through Redis when it is set).
 */
@injectable()
export class Deliverer {
  constructor(
    @inject(TOKENS.Installation) private readonly installation: Installation,
    @inject(TokenProvider) private readonly tokens: TokenProvider,
    @inject(AdvertiserLimiter) private readonly limiter: AdvertiserLimiter,
    @inject(TOKENS.RequestPace) private readonly pace: RequestPace,
    @inject(AmazonAdsApi) private readonly api: AmazonAdsApi,
    @inject(TOKENS.HostSettings) private readonly settings: HostSettings,
    @inject(TOKENS.DeliverySettings) private readonly delivery: DeliverySettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(PluginTelemetry) private readonly telemetry: PluginTelemetry,
  ) {}

  async deliver(items: readonly DeliveryItem[]): Promise<DeliveryReport> {
    const run: Run = {
      outcomes: new Array(items.length).fill(undefined),
      requests: [],
      deadline: this.clock.now() + this.delivery.budgetMs,
      needsReconnect: false,
    };
    // Each batch is sent as soon as it is full, while the next one is still being serialised.
    const batcher = new Batcher(
      this.installation.config.batch_size ?? LIMITS.eventsPerRequest,
      LIMITS.requestBodyBytes,
    );
    const sending: Array<Promise<void>> = [];
    const send = async (batch: PreparedEvent[] | undefined): Promise<void> => {
      if (!batch) return;
      sending.push(this.sendBatch(batch, run));
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      const prepared = preparedJson(item);
      if (prepared === undefined) {
        run.outcomes[index] = {
          id: String(item?.id),
          status: 'rejected',
          code: 'INVALID_ITEM',
          message: 'The item carries no Amazon event to send.',
        };
        continue;
      }
      await send(
        batcher.add({
          index,
          id: item.id,
          json: prepared.json,
          bytes: Buffer.byteLength(prepared.json),
          eventId: prepared.eventId,
        }),
      );
    }
    await send(batcher.flush());
    await Promise.all(sending);
    const outcomes = run.outcomes.map(
      (o, i) =>
        o ?? {
          id: items[i]!.id,
          status: 'retry' as const,
          code: 'NOT_ATTEMPTED',
          message: 'The event was not sent.',
          retryAfterMs: this.delivery.baseBackoffMs,
        },
    );
    return { outcomes, requests: run.requests, needsReconnect: run.needsReconnect };
  }

  /** Sends one batch until every event in it has a final outcome or the attempt and time budget is spent. */
  private async sendBatch(initial: PreparedEvent[], run: Run): Promise<void> {
    let batch = initial;
    let attempt = 0; // requests made for this batch so far
    while (batch.length > 0) {
      const verdict = await this.attempt(batch, run, () => ++attempt);
      if (verdict.kind === 'per-event') {
        const retry: PreparedEvent[] = [];
        let reason: { code: OutcomeCode; message: string } | undefined; // the first event's to retry
        for (const [i, v] of verdict.events.entries()) {
          const event = batch[i]!;
          if (v.status === 'retry') {
            reason ??= v;
            retry.push(event);
          } else {
            this.settle(
              run,
              event,
              v.status === 'delivered' ? { id: event.id, status: 'delivered' } : { id: event.id, ...v },
            );
          }
        }
        batch = retry;
        if (batch.length === 0 || !reason) return;
        if (!(await this.waitToRetry(attempt, run, undefined))) {
          return this.handBack(batch, run, reason.code, reason.message, attempt);
        }
        continue;
      }
      // The 401 stands: the token cannot be renewed, or Amazon refused the renewed one too.
      if (verdict.kind === 'auth')
        return this.awaitReconnect(batch, run, verdict.message ?? troubleshooting('401'));
      if (verdict.kind === 'split') {
        // Halving finds the events Amazon refuses: k of n cost at most 2·k·⌈log2 n⌉ more requests.
        if (batch.length === 1)
          return this.settle(run, batch[0]!, { id: batch[0]!.id, status: 'rejected', ...verdict.alone });
        const half = Math.ceil(batch.length / 2);
        await Promise.all([
          this.sendBatch(batch.slice(0, half), run),
          this.sendBatch(batch.slice(half), run),
        ]);
        return;
      }
      if (verdict.kind === 'reject') {
        const { code, message } = verdict;
        return this.settleAll(run, batch, (id) => ({ id, status: 'rejected', code, message }));
      }
      if (!(await this.waitToRetry(attempt, run, verdict.retryAfterMs))) {
        return this.handBack(batch, run, verdict.code, verdict.message, attempt, verdict.retryAfterMs);
      }
    }
  }

  /**
   * One attempt at a batch: a request, and after a 401 one more with a renewed token (`authorisedCall`). A
   * token that cannot be had is a verdict too: Login with Amazon refusing it rejects the batch (reconnect);
   * failing otherwise, it is retried like Amazon being unavailable.
   */
  private async attempt(batch: PreparedEvent[], run: Run, nextAttempt: () => number): Promise<BatchVerdict> {
    let requests = 0;
    try {
      return await authorisedCall(
        this.tokens,
        (token) => {
          requests++;
          return this.post(batch, nextAttempt(), run, token);
        },
        (verdict) => verdict.kind === 'auth',
      );
    } catch (error) {
      if (requests === 0) nextAttempt(); // no token at all still counts as an attempt, so the attempts stay bounded
      if (error instanceof AuthError) return { kind: 'auth', message: error.message };
      return { kind: 'retry', code: 'TOKEN_REFRESH_FAILED', message: errorMessage(error), throttled: false };
    }
  }

  /** One request: limiter, POST, classification, log line and delivery record. */
  private async post(
    batch: PreparedEvent[],
    attempt: number,
    run: Run,
    token: string,
  ): Promise<BatchVerdict> {
    await this.limiter.acquire();
    const { region, clientId, config, advertiser } = this.installation;
    const paced = await this.waitForPace(advertiser.accountId, run.deadline);
    if (paced) {
      this.limiter.release('other');
      return paced;
    }
    const started = this.clock.now();
    let response: AmazonResponse | undefined;
    let verdict: BatchVerdict;
    try {
      const target = eventsTarget(this.settings.regionHosts[region], clientId, config, advertiser.accountId);
      const request = { region, events: batch.length, advertiser: advertiser.accountId };
      response = await this.telemetry.eventsRequest(request, () =>
        this.api.createEvents(target, token, batchBody(batch)),
      );
      verdict = classifyEventsResponse(response, batch, this.clock.now(), this.delivery.maxRetryAfterMs);
      // With an API token the advertiser id is not sent: a 403 is about the token, not a mistyped id.
      if (this.installation.verification === 'unverified' && !isApiTokenMode(this.installation.config))
        verdict = forUnverifiedAdvertiser(verdict, advertiser.accountId);
    } catch (error) {
      verdict = {
        kind: 'retry',
        code: 'AMAZON_UNAVAILABLE',
        message: errorMessage(error),
        throttled: false,
      };
    }
    // Released with the outcome, so that a 429 slows down the requests that follow, in every process.
    if (verdict.kind === 'retry' && verdict.throttled) {
      this.limiter.release('throttled');
      const retryAfter = verdict.retryAfterMs ?? this.delivery.baseBackoffMs;
      await this.pace.report(advertiser.accountId, 'throttled', retryAfter);
    } else {
      this.limiter.release(verdict.kind === 'per-event' ? 'ok' : 'other');
      await this.pace.report(advertiser.accountId, verdict.kind === 'per-event' ? 'accepted' : 'other');
    }
    this.record(run, batch, attempt, response, verdict, this.clock.now() - started);
    return verdict;
  }

  /**
   * Waits for the advertiser's turn (its pace, shared by every process). A turn that would come after the
   * deliver call's budget is a retry verdict instead: nothing is sent, and the events go back with the wait.
   */
  private async waitForPace(accountId: string, deadline: number): Promise<BatchVerdict | undefined> {
    for (let wait = await this.pace.take(accountId); wait > 0; wait = await this.pace.take(accountId)) {
      if (this.clock.now() + wait > deadline) {
        return {
          kind: 'retry',
          code: 'RATE_LIMITED',
          message: `${troubleshooting('429')} (not sent: this advertiser is paused until Amazon's Retry-After)`,
          retryAfterMs: wait,
          throttled: false,
        };
      }
      await this.clock.sleep(wait);
      this.telemetry.pacedFor(accountId, wait);
    }
    return undefined;
  }

  private record(
    run: Run,
    batch: PreparedEvent[],
    attempt: number,
    response: AmazonResponse | undefined,
    verdict: BatchVerdict,
    durationMs: number,
  ): void {
    const counts = { delivered: 0, rejected: 0, retry: 0 };
    if (verdict.kind === 'per-event') for (const v of verdict.events) counts[v.status]++;
    else if (verdict.kind === 'reject') counts.rejected = batch.length;
    else counts.retry = batch.length;
    const requestId = response?.headers[HEADERS.requestId];
    const error =
      verdict.kind === 'per-event' ? undefined : 'message' in verdict ? verdict.message : verdict.kind;
    const record: RequestRecord = {
      at: new Date(this.clock.now()).toISOString(),
      attempt,
      status: response?.status ?? null,
      events: batch.length,
      ...counts,
      durationMs,
      ...(typeof requestId === 'string' ? { requestId } : {}),
      ...(error ? { error } : {}),
    };
    run.requests.push(record);
    if (!this.logger.isInfoEnabled()) return;
    this.logger.info('amazon request', {
      event: 'amazon_request',
      integration: this.installation.id,
      advertiser: this.installation.advertiser.accountId,
      batch_size: batch.length,
      attempt,
      status: record.status,
      delivered: counts.delivered,
      rejected: counts.rejected,
      retry: counts.retry,
      duration_ms: durationMs,
      ...(record.requestId ? { amazon_request_id: record.requestId } : {}),
      ...(error ? { error } : {}),
    });
  }

  /** Waits before the next attempt when the budget allows one; false when the events go back to the host. */
  private async waitToRetry(attempt: number, run: Run, retryAfter: number | undefined): Promise<boolean> {
    if (attempt >= this.delivery.maxAttempts) return false;
    const wait = retryAfter ?? backoffMs(attempt, this.delivery.baseBackoffMs, this.delivery.maxBackoffMs);
    if (this.clock.now() + wait > run.deadline) return false;
    await this.clock.sleep(wait);
    return true;
  }

  private handBack(
    batch: PreparedEvent[],
    run: Run,
    code: OutcomeCode,
    message: string,
    attempt: number,
    retryAfter?: number,
  ): void {
    const hint =
      retryAfter ?? backoffMs(attempt + 1, this.delivery.baseBackoffMs, this.delivery.maxBackoffMs, () => 1);
    this.settleAll(run, batch, (id) => ({ id, status: 'retry', code, message, retryAfterMs: hint }));
  }

  /**
   * Amazon refuses the credentials and the plugin cannot renew them: nothing is wrong with the events, so they
   * go back to the host to wait for the operator to reconnect (`needsReconnect`), not rejected one by one.
   */
  private awaitReconnect(batch: PreparedEvent[], run: Run, message: string): void {
    run.needsReconnect = true;
    const retryAfterMs = RECONNECT_RETRY_AFTER_MS;
    this.settleAll(run, batch, (id) => ({
      id,
      status: 'retry',
      code: 'AUTH_FAILED',
      message: `Reconnect needed: ${message}`,
      retryAfterMs,
    }));
  }

  private settle(run: Run, event: PreparedEvent, outcome: EventOutcome): void {
    run.outcomes[event.index] = outcome;
  }

  /** The same outcome for every event of the batch, each with its own id. */
  private settleAll(run: Run, batch: PreparedEvent[], outcome: (id: string) => EventOutcome): void {
    for (const event of batch) this.settle(run, event, outcome(event.id));
  }
}
