import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { SEED_INSTALL, startHost, type HostHarness } from './support/host-harness.js';
import { runCli } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * An event's time is its own, never invented: the host (ingestion, then transform), the dry run and `upload`
 * answer the same. A web event without a timestamp takes the time ingestion received it; an offline one is
 * TIMESTAMP_MISSING everywhere.
 */
const dir = tempDirForFile('times-agree-');
const config = join(PACKAGE_ROOT, 'examples/seed-config.json');
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const purchase = (id: string, timestamp?: string) => ({
  type: 'track',
  event: 'purchase',
  properties: { order_id: id, transaction_id: id, value: 10, currency: 'USD' },
  traits: { email: `${id.toLowerCase()}@example.com`, address: { country: 'US' } },
  context: { locale: 'en-US', consent: { canonical: { marketing: true } } },
  ...(timestamp ? { timestamp } : {}),
});

let h: HostHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('the host: a web event without a timestamp is delivered with its receipt time; an offline one is TIMESTAMP_MISSING', async () => {
  h = await startHost();
  const web = (await h.install(SEED_INSTALL)).body.id as string;
  const offline = (await h.install({ ...SEED_INSTALL, variant: 'offline' })).body.id as string;
  const before = Date.now();
  const r = await h.ingest('/v1/batch', { batch: [purchase('UNTIMED'), purchase('TIMED', recent())] });
  expect(r.status).toBe(200);
  const quality = async (id: string) => (await h!.admin(`/v1/admin/integrations/${id}/match-quality`)).body;
  await h.waitFor(
    async () =>
      ((await quality(web)).totals.delivered === 2 && (await quality(offline)).totals.delivered === 1) ||
      undefined,
    'web: both delivered; offline: the timed one',
  );
  expect((await quality(web)).totals).toMatchObject({ transformed: 2, invalid: 0, delivered: 2 });
  expect((await quality(offline)).totals).toMatchObject({ transformed: 1, invalid: 1, delivered: 1 });
  expect((await quality(offline)).reasons.invalid).toEqual({ TIMESTAMP_MISSING: 1 });
  // The web event's time is when the host received it, not a time made up later.
  const untimed = [...h.sandbox.accepted.values()]
    .map((a) => a.event as { eventId?: string; eventTime?: string } | undefined)
    .find((e) => e?.eventId === 'UNTIMED');
  expect(Date.parse(untimed!.eventTime!)).toBeGreaterThanOrEqual(before - 1000);
  expect(Date.parse(untimed!.eventTime!)).toBeLessThanOrEqual(Date.now());
}, 30_000);

test.each([
  ['default', 'ok', undefined],
  ['offline', 'invalid', 'TIMESTAMP_MISSING'],
])('the dry run, variant %s: an event without a timestamp is %s (%s)', async (variant, status, code) => {
  const file = join(dir, `untimed-${variant}.ndjson`);
  writeFileSync(file, `${JSON.stringify(purchase('DRY'))}\n`);
  const r = await runCli(['transform', '--config', config, '--variant', variant, file]);
  const line = JSON.parse(r.stdout.trim());
  expect(line.status).toBe(status);
  expect(line.error?.code).toBe(code);
});

test('upload --dry-run: a row without a date is TIMESTAMP_MISSING, with its row and column', async () => {
  const csv = join(dir, 'untimed.csv');
  writeFileSync(csv, `Order,Email,Sold at\nU-1,u1@example.com,\nU-2,u2@example.com,${recent()}\n`);
  const mapping = join(dir, 'untimed-mapping.json');
  writeFileSync(
    mapping,
    JSON.stringify({
      event: 'purchase',
      defaults: { 'traits.address.country': 'US' },
      columns: { Order: 'properties.order_id', Email: 'traits.email', 'Sold at': 'timestamp' },
    }),
  );
  const report = await runCli([
    'upload',
    '--config',
    config,
    '--mapping',
    mapping,
    '--dry-run',
    '--json',
    csv,
  ]);
  expect(JSON.parse(report.stdout)).toMatchObject({
    rows: 2,
    totals: { transformed: 1, invalid: 1 },
    reasons: { invalid: { TIMESTAMP_MISSING: 1 } },
  });
  expect(report.stderr).toContain(
    '1 rows have no time of their own (TIMESTAMP_MISSING), first: row 1, column "Sold at": empty',
  );
});
