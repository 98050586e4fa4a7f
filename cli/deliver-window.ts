import type { Destination } from '../plugin/destination.js';
import type { DeliveryItem, EventOutcome, TransformResult } from '../plugin/contracts.js';
import type { Installation } from '../plugin/installation.js';

/** What became of one input: transform's answer when it was not sent, else the delivery's outcome. */
export type InputOutcome =
  | Exclude<TransformResult, { status: 'ok' }>
  | { status: 'delivered'; eventId?: string }
  | { status: 'rejected'; eventId?: string; error: { code: string; message: string; field?: string } }
  | { status: 'retry'; eventId?: string; error: { code: string; message: string }; retryAfterMs: number };

/**
 * Transforms a window of inputs (an event, or transform's answer already known for it), delivers those that
 * transformed in one `deliver` call, and answers one outcome per input, in order.
 */
export async function transformAndDeliver(
  inputs: ReadonlyArray<{ event: unknown } | { result: TransformResult }>,
  destination: Destination,
  installation: Installation,
): Promise<InputOutcome[]> {
  const results = inputs.map((input) =>
    'result' in input ? input.result : destination.transform(input.event, installation),
  );
  const items: DeliveryItem[] = [];
  results.forEach((r, i) => {
    if (r.status === 'ok') items.push({ id: String(i), event: r.event });
  });
  const report = items.length > 0 ? await destination.deliver(items, installation) : { outcomes: [] };
  const outcomes = new Map<number, EventOutcome>(report.outcomes.map((o) => [Number(o.id), o]));
  return results.map((r, i): InputOutcome => {
    if (r.status !== 'ok') return r;
    const o = outcomes.get(i)!;
    const eventId = r.event.eventId;
    if (o.status === 'delivered') return { status: 'delivered', eventId };
    if (o.status === 'rejected')
      return {
        status: 'rejected',
        eventId,
        error: { code: o.code, message: o.message, ...(o.fieldLocation ? { field: o.fieldLocation } : {}) },
      };
    return {
      status: 'retry',
      eventId,
      error: { code: o.code, message: o.message },
      retryAfterMs: o.retryAfterMs,
    };
  });
}
