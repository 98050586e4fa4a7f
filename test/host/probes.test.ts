import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startHost, purchase, ADMIN_TOKEN, SEED_INSTALL, type HostHarness } from '../support/host-harness.js';
import { startHostProcess } from '../support/host-process.js';

/**
 * The probes an orchestrator polls, on both ports and without auth: /healthz while the process answers,
 * /readyz 200 only while the store takes writes, the delivery workers run and the host is not stopping, else
 * 503 with the reasons and nothing else.
 */
type Db = { pragma(p: string, o?: { simple: true }): unknown };
const READY = { status: 200, body: { status: 'ready' } };
const notReady = (...reasons: string[]) => ({ status: 503, body: { status: 'not_ready', reasons } });

async function probe(base: string, path: '/healthz' | '/readyz') {
  const r = await fetch(`${base}${path}`);
  return { status: r.status, body: (await r.json()) as unknown, cache: r.headers.get('cache-control') };
}
const both = (h: HostHarness) => [h.host.adminUrl, h.host.ingestUrl];

async function expectProbes(h: HostHarness, ready: { status: number; body: unknown }) {
  for (const base of both(h)) {
    expect(await probe(base, '/healthz')).toEqual({ status: 200, body: { status: 'ok' }, cache: 'no-store' });
    const r = await probe(base, '/readyz');
    expect({ status: r.status, body: r.body }).toEqual(ready);
  }
}

describe('one host in this process', () => {
  let h: HostHarness;
  let db: Db;
  beforeEach(async () => {
    h = await startHost();
    db = (h.host as unknown as { db: Db }).db;
    await h.install();
  });
  afterEach(() => h.close());

  test('healthy: both probes 200 on both ports, with no token and no data', async () => {
    await expectProbes(h, READY);
    const head = await fetch(`${h.host.ingestUrl}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(`${h.host.ingestUrl}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  test('a read-only store: /readyz 503 storage_unavailable on both ports, /healthz 200; ready again after', async () => {
    db.pragma('query_only = ON');
    await expectProbes(h, notReady('storage_unavailable'));
    db.pragma('query_only = OFF');
    // The write check's answer is reused for a second (so that polling /readyz cannot hold the write lock).
    await h.waitFor(
      async () => (await probe(h.host.ingestUrl, '/readyz')).status === 200 || undefined,
      'ready',
      2_000,
    );
    await expectProbes(h, READY);
  });

  test('a full disk: once ingestion meets it, /readyz 503 until a write succeeds again; counted in /metrics', async () => {
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const batch = {
      batch: Array.from({ length: 300 }, (_, i) => ({ ...purchase(`FULL-${i}`), type: 'track' })),
    };
    expect((await h.ingest('/v1/batch', batch)).status).toBe(503);
    await expectProbes(h, notReady('storage_unavailable'));
    db.pragma('max_page_count = 1073741823');
    expect((await h.ingest('/v1/t', purchase('AFTER'))).status).toBe(200);
    await expectProbes(h, READY);
    const metrics = await fetch(`${h.host.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toContain('signal_storage_unavailable_total{port="ingest"} 1\n');
    expect(text).toContain('signal_ingest_requests_refused_total{status="503"} 1\n');
  });

  test('stopping: /readyz 503 stopping while in-flight deliveries finish, /healthz 200', async () => {
    h.sandbox.faults.add({ route: 'events', delayMs: 1_500 });
    await h.ingest('/v1/t', purchase('SLOW'));
    await h.waitFor(() => h.sandbox.counters.eventRequests >= 1 || undefined, 'the delivery under way');
    const stopping = h.host.stop();
    const r = await probe(h.host.adminUrl, '/readyz');
    expect({ status: r.status, body: r.body }).toEqual(notReady('stopping'));
    expect((await probe(h.host.adminUrl, '/healthz')).status).toBe(200);
    await stopping;
    h.host.stop = async () => undefined; // already stopped: the harness's close only removes the rest
  });
});

test('a delivery worker process that dies: /readyz 503 workers_not_running until it is replaced; counted', async () => {
  const h = await startHost({ workerProcesses: 2 });
  try {
    await expectProbes(h, READY);
    process.kill(h.host.workerPids()['worker-1']!, 'SIGKILL');
    await h.waitFor(
      async () => (await probe(h.host.adminUrl, '/readyz')).status === 503 || undefined,
      'readiness to see the dead worker',
      2_000,
    );
    expect((await probe(h.host.ingestUrl, '/readyz')).body).toEqual(notReady('workers_not_running').body);
    expect((await probe(h.host.ingestUrl, '/healthz')).status).toBe(200);
    await h.waitFor(
      async () => (await probe(h.host.adminUrl, '/readyz')).status === 200 || undefined,
      'a new worker',
      8_000,
    );
    const metrics = await fetch(`${h.host.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await metrics.text()).toContain('signal_worker_restarts_total 1\n');
  } finally {
    await h.close();
  }
}, 20_000);

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

test('SIGTERM to npm start: /readyz 503 stopping on the admin port while it stops, /healthz 200, exit 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-probes-'));
  const host = await startHostProcess({
    SIGNAL_DATA_DIR: dataDir,
    SIGNAL_ADMIN_TOKEN: 'probe-admin',
    SIGNAL_PIPELINE_KEY: 'probe-pipeline',
  });
  child = host.child;
  const { admin, ingest, sandbox } = host;
  const post = (url: string, token: string | undefined, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect(
    (await post(`${admin}/v1/admin/integration-catalog/amazon_dsp/install`, 'probe-admin', SEED_INSTALL))
      .status,
  ).toBe(201);
  expect((await probe(admin!, '/readyz')).status).toBe(200);
  expect((await probe(ingest!, '/readyz')).status).toBe(200);
  // The embedded sandbox's controls take the host's admin token.
  const fault = await post(`${sandbox}/__sandbox/faults`, 'probe-admin', { route: 'events', delayMs: 3_000 });
  expect(fault.status).toBe(200);
  expect((await post(`${ingest}/v1/t`, 'probe-pipeline', purchase('TERM'))).status).toBe(200);
  const started = Date.now();
  for (;;) {
    const state = (await (
      await fetch(`${sandbox}/__sandbox/state`, { headers: { authorization: 'Bearer probe-admin' } })
    ).json()) as {
      counters: { eventRequests: number };
    };
    if (state.counters.eventRequests >= 1) break;
    if (Date.now() - started > 5_000) throw new Error('the delivery never started');
    await new Promise((r) => setTimeout(r, 25));
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  let seen: unknown;
  for (const deadline = Date.now() + 2_000; Date.now() < deadline;) {
    const r = await probe(admin!, '/readyz').catch(() => undefined);
    if (r?.status === 503) {
      seen = r.body;
      break;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  expect(seen).toEqual(notReady('stopping').body);
  expect((await probe(admin!, '/healthz')).status).toBe(200);
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
}, 20_000);

describe('raw requests at the probes and /metrics', () => {
  let h: HostHarness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(() => h.close());

  /** Writes `request` as is to the admin port and reads the whole answer (the request asks to close). */
  async function raw(request: string): Promise<string> {
    const { port } = new URL(h.host.adminUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(request);
    await once(socket, 'close');
    return answer;
  }
  const status = (answer: string) => Number(answer.slice(9, 12));

  const get = (target: string, headers = '') =>
    `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;
  test.each([
    ['the token in the query string', 401, get(`/metrics?token=${ADMIN_TOKEN}`)],
    ['Basic auth with the token', 401, get('/metrics', `Authorization: Basic ${ADMIN_TOKEN}\r\n`)],
    ['a path that climbs to /metrics', 401, get('/readyz/../metrics')],
    ['a token with a NUL after it', 400, get('/metrics', `Authorization: Bearer ${ADMIN_TOKEN}\u0000\r\n`)],
    ['lower-case bearer', 200, get('/metrics', `authorization: bearer ${ADMIN_TOKEN}\r\n`)],
    ['HTTP/1.0 without Host at /healthz', 200, 'GET /healthz HTTP/1.0\r\n\r\n'],
    ['HEAD /readyz', 200, 'HEAD /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['DELETE /readyz', 405, 'DELETE /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ])('%s answers %i', async (_what, expected, request) => {
    const answer = await raw(request);
    expect(status(answer)).toBe(expected);
    if (expected !== 200) expect(answer).not.toContain('# TYPE');
  });
});
