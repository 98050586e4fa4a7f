import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  startHost,
  ADMIN_TOKEN,
  PIPELINE_KEY,
  SEED_INSTALL,
  type HostHarness,
} from '../support/host-harness.js';
import { startPrometheus, promtool, type PrometheusServer } from '../support/prometheus.js';
import { otlpTracesUrlOf } from '../../host/telemetry/host-telemetry.js';

/**
 * `/metrics` as an on-call engineer's Prometheus sees it: Debian's Prometheus scrapes the host (bearer token,
 * every second) while it delivers a known mix through the sandbox, and its query API answers the delivered and
 * rejected counts the sandbox's ledger holds; promtool accepts the exposition; nothing personal or secret is in
 * it. With delivery worker processes, their counts still reach the host's /metrics. Spans go over OTLP to a
 * collector when one is configured.
 */
const METRICS_TOKEN = 'metrics-scrape-token-7f3a';
const PLANTED_EMAIL = 'planted.person@example.org';
const PLANTED_PHONE = '+1 415 555 0199';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function purchase(i: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'purchase',
    properties: { transaction_id: `MIX-${i}`, value: 10 + i, currency: 'USD' },
    traits: { email: PLANTED_EMAIL, phone: PLANTED_PHONE },
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
  };
}

/** The value of the series with exactly these labels in a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const got = [...inside.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]);
    if (JSON.stringify(got.sort()) === want) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function metricsText(h: HostHarness, token: string | null = METRICS_TOKEN) {
  const r = await fetch(`${h.host.adminUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') };
}

/** Sends `n` purchases and waits until the sandbox has answered every one and the host has stored it. */
async function deliverMix(h: HostHarness, n: number): Promise<{ delivered: number; rejected: number }> {
  h.sandbox.setChaos({ eventError: 0.3, seed: 5 });
  const batch = { batch: Array.from({ length: n }, (_, i) => purchase(i)) };
  expect((await h.ingest('/v1/batch', batch)).status).toBe(200);
  await h.waitFor(() => {
    const { deliveries } = h.host.accounting();
    return (deliveries.delivered ?? 0) + (deliveries.rejected ?? 0) === n || undefined;
  }, `all ${n} settled`);
  const { eventsAccepted: delivered, eventsRejected: rejected } = h.sandbox.counters;
  expect(delivered + rejected).toBe(n);
  expect(h.sandbox.accepted.size).toBe(delivered); // the ledger: each delivered event once
  expect(delivered).toBeGreaterThan(0);
  expect(rejected).toBeGreaterThan(0);
  return { delivered, rejected };
}

describe('Prometheus scrapes the host', () => {
  let h: HostHarness;
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    h = await startHost({ metricsToken: METRICS_TOKEN });
    prometheus = await startPrometheus(new URL(h.host.adminUrl).host, METRICS_TOKEN);
    expect((await h.install()).status).toBe(201);
  }, 15_000);
  afterAll(async () => {
    await prometheus?.close();
    await h?.close();
  });

  test('its query API answers the delivered and rejected counts of the sandbox ledger, exactly', async () => {
    const { delivered, rejected } = await deliverMix(h, 60);
    const want = {
      'amazon_dsp_events_total{outcome="delivered"}': delivered,
      'amazon_dsp_events_total{outcome="rejected",code="FIELD_VALUE_IS_INVALID"}': rejected,
      'signal_deliveries{status="delivered"}': delivered,
      'signal_deliveries{status="rejected"}': rejected,
      signal_ingest_events_accepted_total: 60,
      'up{job="signal"}': 1,
    };
    const read = async () => {
      const got: Record<string, number | undefined> = {};
      for (const promql of Object.keys(want))
        got[promql] = (await prometheus.query(`sum(${promql})`))[0]?.[1];
      return got;
    };
    await h.waitFor(
      async () => JSON.stringify(await read()) === JSON.stringify(want) || undefined,
      'Prometheus to scrape the final counts',
      10_000,
    );
    expect(await read()).toEqual(want);
    // Every request is counted by status, and each series is one the docs list.
    expect((await prometheus.query('sum(amazon_dsp_requests_total{http_status="207"})'))[0]![1]).toBe(
      h.sandbox.counters.byStatus[207],
    );
  }, 20_000);

  test('promtool accepts the exposition; nothing personal or secret is in it or in what Prometheus stored', async () => {
    const { status, text, type } = await metricsText(h);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const lint = promtool(['check', 'metrics'], text);
    expect(lint).toEqual({ status: 0, output: '' });
    const series = JSON.stringify(await prometheus.query('{job="signal"}'));
    expect(series).toContain('amazon_dsp_events_total');
    const planted = [
      PLANTED_EMAIL,
      sha256(PLANTED_EMAIL),
      PLANTED_PHONE,
      sha256('14155550199'),
      'MIX-1',
      '203.0.113.42',
      SEED_INSTALL.config.access_token,
      ADMIN_TOKEN,
      PIPELINE_KEY,
      METRICS_TOKEN,
    ];
    for (const value of planted) {
      expect(text).not.toContain(value);
      expect(series).not.toContain(value);
    }
  });

  test.each([
    ['no token', 401, null],
    ['the pipeline key', 401, PIPELINE_KEY],
    ['a token one character short', 401, METRICS_TOKEN.slice(0, -1)],
    ['the metrics token', 200, METRICS_TOKEN],
    ['the admin token', 200, ADMIN_TOKEN],
  ])('/metrics with %s answers %i', async (_what, status, token) => {
    const r = await metricsText(h, token);
    expect(r.status).toBe(status);
    if (status === 401) expect(JSON.parse(r.text).error.code).toBe('unauthorized');
  });

  test('ingestion refusals are counted by status, and /metrics is not on the ingestion port', async () => {
    const before = sample((await metricsText(h)).text, 'signal_ingest_requests_refused_total', {
      status: '401',
    });
    expect((await h.ingest('/v1/t', purchase(1), 'wrong-key')).status).toBe(401);
    const after = sample((await metricsText(h)).text, 'signal_ingest_requests_refused_total', {
      status: '401',
    });
    expect(after - before).toBe(1);
    const onIngest = await fetch(`${h.host.ingestUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(onIngest.status).toBe(404);
  });
});

test.each([1, 2])(
  'with %i delivery worker process(es), the first scrape after the outcomes counts them all',
  async (workerProcesses) => {
    const h = await startHost({ workerProcesses, metricsToken: METRICS_TOKEN });
    try {
      expect((await h.install()).status).toBe(201);
      const { delivered, rejected } = await deliverMix(h, 40);
      const counts = async () => {
        const { text } = await metricsText(h);
        return [
          sample(text, 'amazon_dsp_events_total', { outcome: 'delivered' }),
          sample(text, 'amazon_dsp_events_total', { outcome: 'rejected', code: 'FIELD_VALUE_IS_INVALID' }),
          sample(text, 'signal_deliveries', { status: 'delivered' }),
        ];
      };
      // No waiting: a scrape asks each worker for what it counted since its last message (sent every second).
      expect(await counts()).toEqual([delivered, rejected, delivered]);
    } finally {
      await h.close();
    }
  },
  20_000,
);

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, a span per request to Amazon reaches the collector, with nothing personal', async () => {
  const bodies: string[] = [];
  const collector: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const { port } = collector.address() as { port: number };
  const h = await startHost({ otlpTracesUrl: `http://127.0.0.1:${port}/v1/traces` });
  try {
    expect((await h.install()).status).toBe(201);
    const id = (await h.ingest('/v1/t', purchase(7))).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
  } finally {
    await h.close(); // flushes the spans still buffered
    collector.close();
  }
  const text = bodies.join('\n');
  const spans = bodies.flatMap(
    (b) =>
      JSON.parse(b).resourceSpans.flatMap((rs: any) =>
        rs.scopeSpans.flatMap((ss: any) => ss.spans),
      ) as Array<{
        name: string;
        attributes: Array<{ key: string; value: Record<string, unknown> }>;
      }>,
  );
  const sent = spans.filter((s) => s.name === 'amazon_dsp.create_events');
  expect(sent).toHaveLength(1);
  const attributes = Object.fromEntries(sent[0]!.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
  expect(attributes).toMatchObject({
    'amazon_dsp.region': 'NA',
    'amazon_dsp.events': 1,
    'http.response.status_code': 207,
    'http.request.method': 'POST',
  });
  expect(attributes['amazon_dsp.request_id']).toMatch(/\S/);
  for (const value of [
    PLANTED_EMAIL,
    sha256(PLANTED_EMAIL),
    'MIX-7',
    SEED_INSTALL.config.access_token,
    ADMIN_TOKEN,
  ])
    expect(text).not.toContain(value);
}, 15_000);

test.each([
  [{}, undefined],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318//' }, 'http://collector:4318/v1/traces'],
  [
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/traces' },
    'http://b/traces',
  ],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, undefined],
])('the OTLP traces URL of %j is %s', (env, url) => {
  expect(otlpTracesUrlOf(env)).toBe(url);
});

test('an OTLP endpoint that is no http URL stops the start, naming the variable', () => {
  expect(() => otlpTracesUrlOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
    'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (like http://localhost:4318)',
  );
});
