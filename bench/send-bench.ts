import { got } from 'got';
import { performance } from 'node:perf_hooks';
import type { DeliveryItem } from '../plugin/index.js';
import { batchBody, makeBatches, type PreparedEvent } from '../plugin/deliver/batching.js';
import { eventMix } from './event-mix.js';
import { percentile, round } from './measure.js';
import { benchDestination, type SandboxProcess } from './sandbox-process.js';

export interface SendFigures {
  send_events_per_s: number;
  send_p50_ms: number;
  send_p99_ms: number;
  send_floor_events_per_s: number;
  send_vs_floor: number;
  send_events: number;
  send_requests: number;
}

const CONCURRENCY = 4;

/**
 * `deliver` end to end against the sandbox (its own process, loopback) in 500-event batches, against the floor:
 * got POSTs of the same pre-serialised bodies to the same sandbox, with the same concurrency. Best of `runs`.
 */
export async function benchSend(sandbox: SandboxProcess, count = 20_000, runs = 3): Promise<SendFigures> {
  const { destination, installation } = await benchDestination(sandbox, CONCURRENCY, 30_000);
  const events = eventMix(count, 7);
  const items: DeliveryItem[] = [];
  for (const e of events) {
    const r = destination.transform(e, installation);
    if (r.status === 'ok') items.push({ id: String(items.length), event: r.event });
  }
  const prepared: PreparedEvent[] = items.map((i, index) => {
    const json = JSON.stringify(i.event);
    return { index, id: i.id, json, bytes: Buffer.byteLength(json) };
  });
  const bodies = makeBatches(prepared).map(batchBody);
  const headers = {
    authorization: `Bearer ${installation.config.access_token}`,
    'Amazon-Ads-ClientId': installation.clientId,
    'Amazon-Ads-AccountId': installation.advertiser.accountId,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const http = got.extend({ retry: { limit: 0 }, throwHttpErrors: false });

  let best = { rate: 0, durations: [] as number[], requests: 0 };
  let floor = 0;
  for (let run = 0; run < runs; run++) {
    const fresh = items.map((i) => ({ ...i, event: { ...i.event, eventId: `${i.event.eventId}-r${run}` } }));
    const started = performance.now();
    const report = await destination.deliver(fresh, installation);
    const elapsed = performance.now() - started;
    const delivered = report.outcomes.filter((o) => o.status === 'delivered').length;
    if (delivered !== items.length)
      throw new Error(`send bench: only ${delivered} of ${items.length} delivered`);
    const rate = (items.length * 1000) / elapsed;
    if (rate > best.rate)
      best = { rate, durations: report.requests.map((r) => r.durationMs), requests: report.requests.length };

    const floorStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const response = await http.post(`${sandbox.url}/adsApi/v1/create/events`, { headers, body });
          if (response.statusCode !== 207) throw new Error(`floor POST answered ${response.statusCode}`);
        }
      }),
    );
    floor = Math.max(floor, (items.length * 1000) / (performance.now() - floorStarted));
  }
  return {
    send_events_per_s: Math.round(best.rate),
    send_p50_ms: round(percentile(best.durations, 50), 1),
    send_p99_ms: round(percentile(best.durations, 99), 1),
    send_floor_events_per_s: Math.round(floor),
    send_vs_floor: round(best.rate / floor, 3),
    send_events: items.length,
    send_requests: best.requests,
  };
}
