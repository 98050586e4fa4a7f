import { type Destination, type Explanation, type Logger } from '../../plugin/index.js';
import { QualityTally } from '../../plugin/quality/quality-tally.js';
import { errorKind } from '../error-kind.js';
import { NO_INTEGRATION, type DeliveriesRepo, type NewDelivery } from '../store/deliveries-repo.js';
import type { IntegrationsRepo, IntegrationRow } from '../store/integrations-repo.js';
import type { LiveEvents } from './live-view.js';
import { burst } from './live-hub.js';
import { newId } from '../ids.js';
import type { RawRetention } from './raw-retention.js';
import type { ClickTokenMemory } from '../identity/click-token-memory.js';

/**
 * The processor stage: each accepted event goes to every installed integration. A disabled integration
 * records it as filtered ("integration disabled"), never drops it silently; an enabled one transforms it and
 * queues the Amazon event. With no integration installed, the event is recorded as filtered ("no integration
 * installed"), so it still shows in Live Events. Everything, with the match quality counters the events add,
 * is stored in one transaction before the ingestion API answers. Before that, the click-token memory adds the
 * visitor's remembered Amazon click token to each event (host/identity/).
 *
 * Stored means answered: once that transaction commits, what follows (the Live Events push, raw retention)
 * is bounded and cannot fail the request; a client told 500 would send the events again, and duplicate them.
 */
export class Intake {
  constructor(
    private readonly destination: Destination,
    private readonly integrations: IntegrationsRepo,
    private readonly deliveries: DeliveriesRepo,
    private readonly live: LiveEvents,
    private readonly retention: RawRetention,
    private readonly clickTokens: ClickTokenMemory,
    private readonly now: () => number,
    private readonly logger?: Logger,
  ) {}

  async accept(received: Array<Record<string, unknown>>): Promise<string[]> {
    const events = await this.clickTokens.enrich(received);
    const integrations = this.integrations.all();
    const tallies = new Map(integrations.map((i) => [i.id, new QualityTally()]));
    const stored = events.map((event) => {
      const id = newId('evt');
      return {
        id,
        payload: JSON.stringify(event),
        deliveries:
          integrations.length > 0
            ? integrations.map((i) => this.route(id, event, i, tallies.get(i.id)!))
            : [unrouted(id)],
      };
    });
    const rowIds = this.deliveries.accept(stored, new Date(this.now()).toISOString(), tallies);
    // Committed. The stream gets the newest rows (a 500-event batch to 67 integrations is 33,500 of them).
    this.afterCommit('live', () => this.live.changed(burst(rowIds)));
    this.afterCommit('retention', () => this.retention.changed(stored.map((s) => s.id)));
    return stored.map((s) => s.id);
  }

  /** Work after the commit: a failure is logged (its kind, never its data) and the answer stays a success. */
  private afterCommit(step: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger?.error('after storing events', {
        event: 'intake_after_commit',
        step,
        error: errorKind(error),
      });
    }
  }

  private route(
    eventId: string,
    event: Record<string, unknown>,
    integration: IntegrationRow,
    tally: QualityTally,
  ): NewDelivery {
    const base = { eventId, integrationId: integration.id };
    if (!integration.enabled) {
      tally.addOutcome('', 'filtered', 'INTEGRATION_DISABLED');
      return { ...base, status: 'filtered', code: 'INTEGRATION_DISABLED', message: 'integration disabled' };
    }
    const explanation: Explanation = { entry: null, matchKeys: [] };
    const result = this.destination.transform(event, this.integrations.installation(integration), {
      explanation,
    });
    tally.addTransform(explanation.eventName ?? '', result, { input: event, country: explanation.country });
    if (result.status === 'ok') {
      return {
        ...base,
        status: 'queued',
        amazonEvent: JSON.stringify(result.event),
        amazonEventId: result.event.eventId,
        eventName: result.event.eventDescription.name,
      };
    }
    if (result.status === 'filtered')
      return { ...base, status: 'filtered', code: result.reason.code, message: result.reason.message };
    return {
      ...base,
      status: 'invalid',
      code: result.error.code,
      message: result.error.field ? `${result.error.message} (${result.error.field})` : result.error.message,
    };
  }
}

/** The record of an event that no integration received, because none is installed. */
function unrouted(eventId: string): NewDelivery {
  return {
    eventId,
    integrationId: NO_INTEGRATION,
    status: 'filtered',
    code: 'NO_INTEGRATION',
    message: 'no integration installed',
  };
}
