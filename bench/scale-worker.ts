/**
 * One delivery worker of the scale run (bench/scale.ts), in a process of its own as Signal's Kafka-fed workers
 * are: it installs, transforms its partition of the event mix (every `workers`-th event), says `ready`, waits
 * for `go` on stdin, then delivers its partition 2,000 events a call, putting `retry` outcomes back to be sent
 * again after their wait, as a consumer would, until every event has a final outcome. Its last stdout line is
 * its count of outcomes as JSON.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { createDestination, type DeliveryItem } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { eventMix } from './event-mix.js';
import { quietLogger } from './measure.js';

export interface ScaleWorkerInput {
  sandboxUrl: string;
  credentials: Record<string, string>;
  redisUrl?: string;
  index: number;
  workers: number;
  events: number;
  seed: number;
}

export interface ScaleWorkerResult {
  /** Events of the partition that transform made ready to send. */
  events: number;
  delivered: number;
  rejected: number;
  deliverCalls: number;
}

const CALL_SIZE = 2_000;
const GIVE_UP_MS = 5 * 60_000;

async function main(input: ScaleWorkerInput): Promise<ScaleWorkerResult> {
  const destination = createDestination({
    hostSettings: {
      regionHosts: regionHostsFromBase(input.sandboxUrl),
      lwaTokenUrl: `${input.sandboxUrl}/auth/o2/token`,
      platformClientId: input.credentials.client_id,
      requestTimeoutMs: 30_000,
      ...(input.redisUrl ? { stateRedisUrl: input.redisUrl } : {}),
    },
    logger: quietLogger(),
  });
  const installation = await destination.install({ variant: 'default', config: input.credentials });
  const pending: Array<{ item: DeliveryItem; dueAt: number }> = [];
  eventMix(input.events, input.seed).forEach((event, i) => {
    if (i % input.workers !== input.index) return;
    const result = destination.transform(event, installation);
    if (result.status === 'ok') pending.push({ item: { id: String(i), event: result.event }, dueAt: 0 });
  });
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

  const result: ScaleWorkerResult = { events: pending.length, delivered: 0, rejected: 0, deliverCalls: 0 };
  const started = Date.now();
  while (pending.length > 0) {
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`${pending.length} events still pending`);
    const now = Date.now();
    const due = pending.filter((p) => p.dueAt <= now).slice(0, CALL_SIZE);
    if (due.length === 0) {
      const next = pending.reduce((soonest, p) => Math.min(soonest, p.dueAt), Infinity);
      await new Promise((resolve) => setTimeout(resolve, next - now));
      continue;
    }
    const taken = new Set(due);
    const rest = pending.filter((p) => !taken.has(p));
    const report = await destination.deliver(
      due.map((p) => p.item),
      installation,
    );
    result.deliverCalls++;
    pending.length = 0;
    pending.push(...rest);
    report.outcomes.forEach((outcome, i) => {
      if (outcome.status === 'delivered') result.delivered++;
      else if (outcome.status === 'rejected') result.rejected++;
      else pending.push({ item: due[i]!.item, dueAt: Date.now() + (outcome.retryAfterMs ?? 500) });
    });
  }
  await destination.close();
  return result;
}

main(JSON.parse(process.argv[2]!) as ScaleWorkerInput).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`scale worker: ${String(error)}\n`);
    process.exit(1);
  },
);
