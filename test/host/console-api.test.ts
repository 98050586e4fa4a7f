import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { startHost, purchase, type HostHarness } from '../support/host-harness.js';

/** What the page's console needs from the host: the funnel, the Delivery Log over time, the ingestion URL. */
let h: HostHarness;
let id: string;
beforeAll(async () => {
  h = await startHost();
  id = (await h.install()).body.id;
});
afterAll(() => h.close());

const settled = (eventId: string, status: string) => async () =>
  (await h.liveEvent(eventId))?.outcome.status === status || undefined;

test('a dead letter replayed and delivered no longer counts as dead in match quality', async () => {
  h.sandbox.faults.add({ route: 'events', status: 503, times: 1000 });
  const eventId = (await h.ingest('/v1/t', purchase('DLQ-MQ'))).body.ids[0];
  await h.waitFor(settled(eventId, 'dead'), 'dead letter');
  const before = (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body;
  expect(before.totals.dead).toBe(1);
  expect(before.by_event.Purchase.dead).toBe(1);
  expect(before.reasons.dead).toEqual({ AMAZON_UNAVAILABLE: 1 });
  h.sandbox.faults.clear();
  const [letter] = (await h.admin(`/v1/admin/integrations/${id}/dead-letters`)).body.data;
  expect(letter.updated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  await h.admin(`/v1/admin/integrations/${id}/dead-letters/replay`, {
    method: 'POST',
    body: { ids: [letter.id] },
  });
  await h.waitFor(settled(eventId, 'delivered'), 'delivered after replay');
  const after = (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body;
  expect(after.totals.dead).toBe(0);
  expect(after.by_event.Purchase.dead).toBe(0);
  expect(after.totals.delivered).toBe(before.totals.delivered + 1);
  expect(after.reasons.dead).toEqual({});
  expect(after.alerts.map((a: { code: string }) => a.code)).not.toContain('REJECTIONS_HIGH');
});

test('the funnel: received → filtered / invalid → sent → delivered, with the top reasons and a sample event', async () => {
  const other = (
    await h.install({
      name: 'Funnel only',
      variant: 'default',
      config: { advertiser_id: 'ENTITY1234ABCD', profile_id: '1234567890', access_token: 'Atza|IwEBIA...' },
      delivery_mode: 'server_side',
    })
  ).body.id;
  await h.admin(`/v1/admin/integrations/${id}`, { method: 'PATCH', body: { enabled: false } });
  const ids: string[] = [];
  for (const body of [
    purchase('F-1'),
    purchase('F-2'),
    { ...purchase('F-3'), event: 'newsletter_opened' },
    { ...purchase('F-4'), properties: { value: 'lots', currency: 'USD' } },
  ])
    ids.push((await h.ingest('/v1/t', body)).body.ids[0]);
  await h.admin(`/v1/admin/integrations/${id}`, { method: 'PATCH', body: { enabled: true } });
  await h.waitFor(async () => {
    const f = (await h.admin(`/v1/admin/integrations/${other}/funnel`)).body;
    return f.delivered === 2 || undefined;
  }, 'two delivered');
  const f = (await h.admin(`/v1/admin/integrations/${other}/funnel?window=1h`)).body;
  expect(f).toMatchObject({
    window: '1h',
    received: 4,
    filtered: 1,
    invalid: 1,
    sent: 2,
    delivered: 2,
    rejected: 0,
    retrying: 0,
    dead: 0,
    waiting: 0,
  });
  expect(f.reasons).toEqual(
    [
      expect.objectContaining({
        stage: 'filtered',
        code: 'EVENT_NOT_MAPPED',
        count: 1,
        sample_event_id: ids[2],
      }),
      expect.objectContaining({ stage: 'invalid', code: 'VALUE_INVALID', count: 1, sample_event_id: ids[3] }),
    ].sort((a, b) => (a.code < b.code ? -1 : 1)) as never[],
  );
  // The disabled one recorded all four as filtered, by its own reason.
  const off = (await h.admin(`/v1/admin/integrations/${id}/funnel?window=1h`)).body;
  expect(off.reasons).toContainEqual(
    expect.objectContaining({ stage: 'filtered', code: 'INTEGRATION_DISABLED', count: 4 }),
  );
  await h.admin(`/v1/admin/integrations/${other}`, { method: 'DELETE' });
});

test.each([
  ['1h', 5 * 60_000],
  ['24h', 3_600_000],
  ['7d', 6 * 3_600_000],
  ['30d', 24 * 3_600_000],
])(
  'the Delivery Log over %s: every bucket of the window, empty ones as 0, sums per bucket',
  async (window, bucketMs) => {
    const body = (await h.admin(`/v1/admin/integrations/${id}/delivery-log/buckets?window=${window}`)).body;
    expect(body.bucket_ms).toBe(bucketMs);
    const starts = body.buckets.map((b: { at: string }) => Date.parse(b.at));
    // Contiguous, the first whole, the last holding now.
    starts.forEach((t: number, i: number) => i > 0 && expect(t - starts[i - 1]).toBe(bucketMs));
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(starts.at(-1));
    expect(Date.parse(body.to)).toBeLessThan(starts.at(-1) + bucketMs);
    const log = (await h.admin(`/v1/admin/integrations/${id}/delivery-log?limit=500`)).body.data;
    const sum = (key: string) =>
      body.buckets.reduce((s: number, b: Record<string, number>) => s + b[key]!, 0);
    expect(sum('requests')).toBe(log.length);
    expect(sum('delivered')).toBe(log.reduce((s: number, r: { delivered: number }) => s + r.delivered, 0));
    expect(sum('retried')).toBe(log.reduce((s: number, r: { retried: number }) => s + r.retried, 0));
    expect(sum('delivered')).toBeGreaterThan(0);
  },
);

test.each(
  ['funnel', 'delivery-log/buckets', 'match-quality'].flatMap((path) =>
    ['2h', '__proto__', 'constructor', 'toString', ''].map((window) => [path, window]),
  ),
)('%s?window=%s: not a window, a 400 naming the ones there are (never a 500)', async (path, window) => {
  const r = await h.admin(`/v1/admin/integrations/${id}/${path}?window=${window}`);
  expect(r.status).toBe(400);
  expect(r.body.error.message).toBe('window must be one of 1h, 24h, 7d, 30d.');
  expect((await h.admin(`/v1/admin/integrations/${id}/${path}`, { token: null })).status).toBe(401);
});

test('the host tells the page its real ingestion URL (for the empty state’s example)', async () => {
  expect((await h.admin('/v1/admin/host')).body).toEqual({ ingest_url: h.host.ingestUrl });
  expect((await h.admin('/v1/admin/host', { token: null })).status).toBe(401);
});

test('the page’s modules come as JavaScript under the strict CSP; paths outside host/web are not served', async () => {
  const main = await fetch(`${h.host.adminUrl}/js/main.js`);
  expect(main.status).toBe(200);
  expect(main.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(main.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
  const html = await (await fetch(`${h.host.adminUrl}/`)).text();
  expect(html).toContain('<script type="module" src="/js/main.js"></script>');
  expect(html).not.toMatch(/<script>|style="| on[a-z]+="/);
  // Raw request lines: fetch would clean the dots.
  for (const target of ['/js/../../package.json', '/js/%2e%2e/%2e%2e/package.json', '/host/web/index.html']) {
    const answer = await new Promise<string>((resolve) => {
      const { port } = new URL(h.host.adminUrl);
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect({ target, status: answer.split(' ')[1] }).toEqual({ target, status: expect.stringMatching(/^4/) });
    expect(answer).not.toContain('"devDependencies"');
  }
});

test('install-layout.json places every config field of the schema exactly once, and only those', () => {
  const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas/config.schema.json'), 'utf8'));
  const layout = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'host/web/install-layout.json'), 'utf8'));
  const placed = [
    ...layout.required.map((p: { key: string }) => p.key),
    ...layout.groups.flatMap((g: { fields: Array<{ key: string }> }) => g.fields.map((p) => p.key)),
    ...layout.hidden,
  ];
  expect([...placed].sort()).toEqual(Object.keys(schema.properties).sort());
  expect(new Set(placed).size).toBe(placed.length);
  expect(
    layout.required.map((p: { key: string }) => p.key).filter((k: string) => schema.required.includes(k)),
  ).toEqual(schema.required);
  const types = layout.conversion_types.map(([t]: [string]) => t);
  const blueprint = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas/blueprint.schema.json'), 'utf8'));
  expect(types).toEqual(blueprint.definitions.eventEntry.properties.conversion_type.enum);
  // The operator's words: no API paths or number theory in the help.
  expect(JSON.stringify(layout)).not.toMatch(/GET \/|2\^53|\/v2\//);
});

/** `npm start`'s entry with these settings, until it exits; its stderr and exit code. */
function runHost(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-port-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist/host/main.js')], {
      env: {
        PATH: process.env.PATH!,
        SIGNAL_DATA_DIR: dataDir,
        SIGNAL_ADMIN_TOKEN: 't',
        SIGNAL_PIPELINE_KEY: 'k',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, stderr });
    });
  });
}

test.each(['SIGNAL_ADMIN_PORT', 'SIGNAL_INGEST_PORT'])(
  'a port in use names the setting that chose it: %s',
  async (setting) => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const other = setting === 'SIGNAL_ADMIN_PORT' ? 'SIGNAL_INGEST_PORT' : 'SIGNAL_ADMIN_PORT';
    const { code, stderr } = await runHost({ [setting]: String(port), [other]: '0' });
    busy.close();
    expect(code).not.toBe(0);
    expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use (${setting})`);
    expect(stderr).toContain(`${setting}=<another port> (0 picks a free one)`);
  },
  20_000,
);

describe('a name per integration: given at install and by PATCH, checked in one place', () => {
  const config = {
    advertiser_id: 'ENTITY1234ABCD',
    profile_id: '1234567890',
    access_token: 'Atza|IwEBIA...',
  };
  const installNamed = (name: unknown) =>
    h.install({
      ...(name === undefined ? {} : { name }),
      variant: 'default',
      config,
      delivery_mode: 'server_side',
    });

  test.each([
    ['missing: the catalog’s name', undefined, 'Amazon DSP Events'],
    ['trimmed', '  Brand B  ', 'Brand B'],
    ['markup kept as text', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['200 characters', 'n'.repeat(200), 'n'.repeat(200)],
  ])('install, %s', async (_, name, stored) => {
    const r = await installNamed(name);
    expect(r.status).toBe(201);
    expect(r.body.name).toBe(stored);
    const patched = await h.admin(`/v1/admin/integrations/${r.body.id}`, {
      method: 'PATCH',
      body: { name: ` ${stored}x ` },
    });
    expect(patched.body.name).toBe(`${stored}x`.length > 200 ? undefined : `${stored}x`);
    await h.admin(`/v1/admin/integrations/${r.body.id}`, { method: 'DELETE' });
  });

  test.each([
    ['empty', ''],
    ['blank', '   '],
    ['201 characters', 'n'.repeat(201)],
    ['a line break', 'Brand\nB'],
    ['a number', 42],
    ['null', null],
  ])('refused, %s: 400 naming the field, nothing installed or renamed', async (_, name) => {
    const before = (await h.admin('/v1/admin/integrations')).body.data.length;
    const r = await installNamed(name);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toEqual([
      { field: 'name', message: 'must be 1 to 200 characters, with no control characters' },
    ]);
    expect((await h.admin('/v1/admin/integrations')).body.data.length).toBe(before);
    const p = await h.admin(`/v1/admin/integrations/${id}`, { method: 'PATCH', body: { name } });
    expect(p.status).toBe(400);
    expect((await h.admin(`/v1/admin/integrations/${id}`)).body.name).toBe('Amazon DSP Events');
  });
});
