import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { createDestination } from '../plugin/di/container.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import type { Destination } from '../plugin/destination.js';
import type { Installation } from '../plugin/installation.js';
import { items } from './support/amazon-events.js';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { captureLogger } from './support/capture-logger.js';

/**
 * The plugin's own figures and spans, read through a real OpenTelemetry SDK the test configures, as a host
 * would: counts by outcome and code equal to what the sandbox holds, requests by status, 429s by advertiser,
 * token renewals, transform results by status and code; a span per request to Amazon, child of the caller's
 * span, with nothing personal or secret in any label or attribute.
 */
class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const ADVERTISER = '4728736040201';
let sandbox: Sandbox;
let destination: Destination;
let installation: Installation;
let reader: Reader;
let spans: InMemorySpanExporter;
let tracers: BasicTracerProvider;

beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => context.disable());

beforeEach(async () => {
  sandbox = await startSandbox();
  reader = new Reader();
  spans = new InMemorySpanExporter();
  tracers = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const { logger, secrets } = captureLogger();
  destination = createDestination({
    hostSettings: {
      regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      platformClientId: TEST_ACCOUNT.clientId,
      requestTimeoutMs: 1_000,
    },
    logger,
    secrets,
    delivery: { baseBackoffMs: 10, maxBackoffMs: 50, budgetMs: 3_000, maxAttempts: 4 },
    meter: new MeterProvider({ readers: [reader] }).getMeter('amazon-dsp-events'),
    tracer: tracers.getTracer('amazon-dsp-events'),
  });
  installation = await destination.install({ variant: 'default', config: credentialsOf(TEST_ACCOUNT) });
  sandbox.requests.length = 0;
});
afterEach(() => sandbox.close());

type Point = DataPoint<number | Histogram>;
async function points(name: string): Promise<Point[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as Point[];
}
/** The value of the series with exactly these labels (0 when there is none). */
async function value(name: string, labels: Record<string, string>): Promise<number> {
  const point = (await points(name)).find(
    (p) =>
      JSON.stringify(Object.entries(p.attributes).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  if (!point) return 0;
  return typeof point.value === 'number' ? point.value : point.value.count;
}

test('a mix through deliver: counts equal to the sandbox ledger, a 429, and one span per request under the caller', async () => {
  sandbox.setChaos({ eventError: 0.3, seed: 11 });
  sandbox.faults.add({ route: 'events', status: 429 }); // the first request
  const parent = tracers.getTracer('caller').startSpan('signal.deliver');
  const report = await context.with(trace.setSpan(context.active(), parent), () =>
    destination.deliver(items(40), installation),
  );
  parent.end();
  const { eventsAccepted, eventsRejected } = sandbox.counters;
  expect(eventsAccepted + eventsRejected).toBe(40);
  expect(eventsRejected).toBeGreaterThan(0);
  expect(report.outcomes.filter((o) => o.status === 'delivered')).toHaveLength(eventsAccepted);

  expect(await value('amazon_dsp.events', { outcome: 'delivered' })).toBe(eventsAccepted);
  expect(await value('amazon_dsp.events', { outcome: 'rejected', code: 'FIELD_VALUE_IS_INVALID' })).toBe(
    eventsRejected,
  );
  expect(await value('amazon_dsp.requests', { region: 'NA', http_status: '429' })).toBe(1);
  expect(await value('amazon_dsp.requests', { region: 'NA', http_status: '207' })).toBe(1);
  expect(await value('amazon_dsp.throttled', { region: 'NA', advertiser: ADVERTISER })).toBe(1);
  expect(await value('amazon_dsp.request.duration.seconds', { region: 'NA', http_status: '207' })).toBe(1);
  const perRequest = (await points('amazon_dsp.request.events'))[0]!.value as Histogram;
  expect([perRequest.count, perRequest.sum]).toEqual([2, 80]);

  const sent = spans.getFinishedSpans().filter((s) => s.name === 'amazon_dsp.create_events');
  expect(sent.map((s) => s.attributes['http.response.status_code'])).toEqual([429, 207]);
  expect(report.requests[1]!.requestId).toMatch(/\S/);
  const ok = sent[1]!;
  expect(ok.attributes).toEqual({
    'http.request.method': 'POST',
    'amazon_dsp.region': 'NA',
    'amazon_dsp.events': 40,
    'http.response.status_code': 207,
    'amazon_dsp.request_id': report.requests[1]!.requestId,
  });
  for (const span of sent) {
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
  }
  expectNothingPersonal(sent, JSON.stringify(await reader.collect()));
});

test('a per-event code from Amazon that is not an UPPER_SNAKE code is counted as OTHER, never as a label', async () => {
  const strange = ['jane.doe@example.com is unknown', 'X'.repeat(65), 'BAD_VALUE'];
  sandbox.faults.add({
    route: 'events',
    status: 207,
    body: {
      success: [],
      error: strange.map((code, index) => ({ index, errors: [{ code, message: 'refused' }] })),
    },
  });
  await destination.deliver(items(3), installation);
  expect(await value('amazon_dsp.events', { outcome: 'rejected', code: 'OTHER' })).toBe(2);
  expect(await value('amazon_dsp.events', { outcome: 'rejected', code: 'BAD_VALUE' })).toBe(1);
  const labels = JSON.stringify((await points('amazon_dsp.events')).map((p) => p.attributes));
  expect(labels).not.toContain('example.com');
  expect(labels).not.toContain('XXXX');
});

test('token renewals and their failures are counted with the typed code', async () => {
  sandbox.expireTokens(true);
  await destination.deliver(items(2), installation); // 401, renewed, delivered
  expect(await value('amazon_dsp.token.renewals', { result: 'ok' })).toBe(1);
  sandbox.expireTokens(true);
  sandbox.revokeRefreshToken(TEST_ACCOUNT.refreshToken);
  await destination.deliver(items(2, 2), installation);
  expect(await value('amazon_dsp.token.renewals', { result: 'failed', code: 'AUTH_FAILED' })).toBe(1);
  expect(await value('amazon_dsp.token.renewals', { result: 'ok' })).toBe(1);
  expect(await value('amazon_dsp.events', { outcome: 'retry', code: 'AUTH_FAILED' })).toBe(2);
});

test.each([
  ['an event Amazon takes', purchase(), { status: 'ok' }],
  [
    'an event the blueprint does not map',
    { ...purchase(), event: 'wished_for_a_pony' },
    { status: 'filtered', code: 'EVENT_NOT_MAPPED' },
  ],
  ['no object at all', 42, { status: 'invalid', code: 'EVENT_NOT_OBJECT' }],
])(
  'transform results are counted by status and code at the Destination: %s',
  async (_what, event, labels) => {
    const result = destination.transform(event, installation);
    expect(result.status).toBe(labels.status);
    destination.transform(event, installation);
    expect(await value('amazon_dsp.transform.results', labels)).toBe(2);
    expect((await points('amazon_dsp.transform.results')).length).toBe(1);
  },
);

function purchase(): Record<string, unknown> {
  return {
    type: 'track',
    event: 'purchase',
    timestamp: new Date().toISOString(),
    properties: { transaction_id: 'T-9', value: 10, currency: 'USD' },
    traits: { email: 'jane.doe@example.com' },
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
  };
}

/** No match key, token or client secret in any span attribute or metric label. */
function expectNothingPersonal(sent: ReadableSpan[], metrics: string): void {
  const text = JSON.stringify(sent.map((s) => s.attributes)) + metrics;
  const bodies = sandbox.requests.map((r) => r.body).join('');
  const hashes = bodies.match(/[0-9a-f]{64}/g) ?? [];
  expect(hashes.length).toBeGreaterThan(0);
  for (const secret of [
    ...hashes,
    ...TEST_ACCOUNT.staticAccessTokens,
    TEST_ACCOUNT.refreshToken,
    TEST_ACCOUNT.clientSecret,
  ])
    expect(text).not.toContain(secret);
}

test('the plugin imports @opentelemetry/api and no other OpenTelemetry package (no SDK, whatever the host)', () => {
  const files = readdirSync(join(PACKAGE_ROOT, 'plugin'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  const imported = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(PACKAGE_ROOT, 'plugin', file), 'utf8');
    for (const m of text.matchAll(/from '(@opentelemetry\/[^']+)'/g)) imported.add(m[1]!);
  }
  expect([...imported]).toEqual(['@opentelemetry/api']);
});
