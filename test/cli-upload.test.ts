import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { runCli, sandboxEnv } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * `upload`: a CRM export to Amazon with one command, twice without doubling, resumed after a crash without loss,
 * with a rejects file; and its pre-flight report. Real HTTP to the sandbox throughout.
 */
const dir = tempDirForFile('cli-upload-');
const CONFIG = join(PACKAGE_ROOT, 'examples/seed-config.json');
const MAPPING = join(PACKAGE_ROOT, 'examples/offline-mapping.json');
const ACCOUNT = '5830921746193';
const DAY = 86_400_000;
/** A time as the example's Date column writes it (DD/MM/YYYY HH:mm, UTC). */
const csvDate = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
};

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

const env = () => sandboxEnv(sandbox.url);
const upload = (...args: string[]) => runCli(['upload', '--config', CONFIG, ...args], env());
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/**
 * examples/offline-sales.csv with its dates moved to yesterday: Amazon refuses events older than 21 days, and
 * the example's own dates age. Its rows, columns and the one row without a date stay as they are.
 */
const EXAMPLE = file(
  'offline-sales.csv',
  readFileSync(join(PACKAGE_ROOT, 'examples/offline-sales.csv'), 'utf8').replace(
    /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/g,
    csvDate(Date.now() - DAY),
  ),
);

test('good, filtered and broken rows: delivered, counted, and the broken one in the rejects file with its column', async () => {
  const rejects = join(dir, 'rejects-1.csv');
  const r = await upload('--mapping', MAPPING, '--rejects', rejects, '--json', EXAMPLE);
  expect(JSON.parse(r.stdout)).toEqual({
    rows: 6,
    skipped: 0,
    delivered: 3,
    rejected: 0,
    filtered: 1, // S-1003: marketing consent "no"
    invalid: 2, // S-1004: Total "twelve"; S-1005: no date
    retry: 0,
    rejects_file: rejects,
  });
  expect(r.code).toBe(1);
  const keys = [...sandbox.accepted.keys()];
  expect(keys).toHaveLength(3);
  expect(keys).toEqual(
    expect.arrayContaining([
      `${ACCOUNT}:S-1001`,
      `${ACCOUNT}:S-1002`,
      expect.stringMatching(new RegExp(`^${ACCOUNT}:purchase:row-[0-9a-f]{40}$`)),
    ]),
  );
  // "1.049,00" with a decimal comma is 1049.
  expect(sandbox.accepted.get(`${ACCOUNT}:S-1002`)?.event?.value).toBe(1049);
  const rows = parse(readFileSync(rejects), { columns: true }) as Array<Record<string, string>>;
  expect(rows).toEqual([
    expect.objectContaining({
      'Order ID': 'S-1004',
      Total: 'twelve',
      row: '4',
      reason: 'ROW_INVALID: row 4, column "Total": "twelve" is not a number with a decimal comma',
    }),
    // Never dated by the upload: the row names its empty Date cell.
    expect.objectContaining({
      'Order ID': 'S-1005',
      row: '6',
      reason:
        'TIMESTAMP_MISSING: row 6, column "Date": empty; fill in when the conversion happened (an offline conversion is never dated by the upload).',
    }),
  ]);
  expect(r.stderr).toContain(
    '1 rows have no time of their own (TIMESTAMP_MISSING), first: row 6, column "Date"',
  );
  expect(existsSync(`${EXAMPLE}.checkpoint.json`)).toBe(false); // complete: no checkpoint left
});

test('the same file twice adds nothing at Amazon: every row keeps its eventId, the one without an id too', async () => {
  await upload('--mapping', MAPPING, EXAMPLE);
  const first = new Set(sandbox.accepted.keys());
  await upload('--mapping', MAPPING, EXAMPLE);
  expect(new Set(sandbox.accepted.keys())).toEqual(first);
  expect(first.size).toBe(3);
  expect([...sandbox.acceptedCounts.values()]).toEqual([2, 2, 2]); // sent twice, kept once
});

test('a run killed with SIGKILL mid-way goes on from its checkpoint: every row at Amazon, each once', async () => {
  const rows = 3_000;
  const csv = file(
    'big.csv',
    [
      'Order ID,Email,Total',
      ...Array.from({ length: rows }, (_, i) => `K-${i},user${i}@example.com,"${i},50"`),
    ].join('\n'),
  );
  const mapping = file(
    'big-mapping.json',
    JSON.stringify({
      event: 'purchase',
      defaults: {
        'properties.currency': 'USD',
        'traits.address.country': 'US',
        // The export's day, said once for every row: a declared time, not the time of the upload.
        timestamp: new Date(Date.now() - DAY).toISOString(),
      },
      columns: {
        'Order ID': 'properties.order_id',
        Email: 'traits.email',
        Total: { path: 'properties.value', type: 'number', decimal: ',' },
      },
    }),
  );
  const config = file(
    'small-batches.json',
    JSON.stringify({ ...JSON.parse(readFileSync(CONFIG, 'utf8')), batch_size: 100 }),
  );
  for (let i = 0; i < 30; i++) sandbox.faults.add({ route: 'events', delayMs: 100 });
  const child = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin/amazon-dsp-events.js'), 'upload', '--config', config, '--mapping', mapping, csv],
    { env: { ...process.env, ...env() }, stdio: 'ignore' },
  );
  const checkpoint = `${csv}.checkpoint.json`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const done = existsSync(checkpoint)
      ? (JSON.parse(readFileSync(checkpoint, 'utf8')) as { rows_done: number }).rows_done
      : 0;
    if (done >= 500) break;
    if (Date.now() > deadline) throw new Error('the upload made no progress');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = sandbox.accepted.size;
  expect(before).toBeLessThan(rows);

  const resumed = await runCli(['upload', '--config', config, '--mapping', mapping, '--json', csv], env());
  const summary = JSON.parse(resumed.stdout);
  expect(summary.skipped).toBeGreaterThanOrEqual(500);
  expect(summary.rows).toBe(rows);
  expect(resumed.code).toBe(0);
  expect(sandbox.accepted.size).toBe(rows);
  // At most the windows in flight at the kill (4 of 100 rows) were sent again, with the same ids.
  expect(sandbox.duplicates).toBeLessThanOrEqual(400);
  expect(existsSync(checkpoint)).toBe(false);
}, 40_000);

test.each([
  [
    'a column the CSV does not have',
    { event: 'purchase', columns: { 'E-mail': 'traits.email' } },
    'mapping.columns: "E-mail" not in the CSV header (it has "Order ID", "Email",',
  ],
  [
    'a path that is not one',
    { event: 'purchase', columns: { Email: 'traits..email' } },
    'must be a canonical event path',
  ],
  [
    'an unknown conversion',
    { event: 'purchase', columns: { Total: { path: 'properties.value', type: 'money' } } },
    'mapping.columns.Total',
  ],
])('a mapping with %s: exit 2, nothing sent, and the message names it', async (_, mapping, message) => {
  const r = await upload('--mapping', file('bad-mapping.json', JSON.stringify(mapping)), EXAMPLE);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
  expect(sandbox.accepted.size).toBe(0);
});

test('a row older than 21 days is reported by --dry-run and not sent', async () => {
  const csv = file(
    'dated.csv',
    `Order ID,Email,Date\nD-1,a@example.com,${csvDate(Date.now() - 2 * DAY)}\nD-2,b@example.com,${csvDate(Date.now() - 30 * DAY)}\n`,
  );
  const mapping = file(
    'dated-mapping.json',
    JSON.stringify({
      event: 'purchase',
      defaults: { 'properties.currency': 'USD', 'properties.value': 10, 'traits.address.country': 'US' },
      columns: {
        'Order ID': 'properties.order_id',
        Email: 'traits.email',
        Date: { path: 'timestamp', type: 'date', format: 'DD/MM/YYYY HH:mm' },
      },
    }),
  );
  const report = await upload('--mapping', mapping, '--dry-run', '--json', csv);
  expect(report.code).toBe(0);
  const figures = JSON.parse(report.stdout);
  expect(figures).toMatchObject({ rows: 2, too_old: 1, totals: { transformed: 1, invalid: 1 } });
  expect(figures.by_event.OfflinePurchase.match_keys.EMAIL).toBe(1);
  expect(sandbox.accepted.size).toBe(0);
  const text = await upload('--mapping', mapping, '--dry-run', csv);
  expect(text.stdout).toContain('1 rows are older than 21 days');

  const sent = await upload('--mapping', mapping, csv);
  expect(sent.code).toBe(1);
  expect([...sandbox.accepted.keys()]).toEqual([`${ACCOUNT}:D-1`]);
});

test('a checkpoint of another run is refused, and --restart starts from the top', async () => {
  const csv = file('other.csv', readFileSync(EXAMPLE, 'utf8'));
  writeFileSync(
    `${csv}.checkpoint.json`,
    JSON.stringify({
      input_size: 1,
      input_head_sha256: 'x',
      mapping_sha256: 'y',
      advertiser_id: 'z',
      rows_done: 2,
    }),
  );
  const refused = await upload('--mapping', MAPPING, csv);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(
    /belongs to another run \(input_size, input_head_sha256, mapping_sha256, advertiser_id differ\)/,
  );
  expect(sandbox.accepted.size).toBe(0);
  const restarted = await upload('--mapping', MAPPING, '--restart', csv);
  expect(restarted.code).toBe(1); // the broken row
  expect(sandbox.accepted.size).toBe(3);
});

describe('an EU-region profile and rows from outside Europe with neither consent nor IP', () => {
  /** The sandbox's German test profile: Amazon's EU host, which asks EU advertisers for a consent object. */
  const EU_CONFIG = {
    advertiser_id: 'ENTITYTESTEU01',
    profile_id: '3874020091928374651',
    access_token: 'Atza|sandbox-test-static-token',
  };
  const EU_ENV = () => ({ ...env(), AMAZON_ADS_CLIENT_ID: 'amzn1.application-oa2-client.sandboxtest' });
  const yesterday = new Date(Date.now() - DAY).toISOString();
  const COUNTRIES = ['IN', 'AE', 'TR', 'ZA', 'US'];
  const csv = (extra: { header: string; cell: string } | undefined) =>
    file(
      `eu-${extra?.header ?? 'plain'}.csv`,
      [
        `Order,Email,Country,Date${extra ? `,${extra.header}` : ''}`,
        ...COUNTRIES.map(
          (c, i) => `EU-${i},buyer${i}@example.com,${c},${yesterday}${extra ? `,${extra.cell}` : ''}`,
        ),
      ].join('\n'),
    );
  const mapping = (extra: { header: string; path: string } | undefined) =>
    file(
      `eu-mapping-${extra?.header ?? 'plain'}.json`,
      JSON.stringify({
        event: 'purchase',
        columns: {
          Order: 'properties.order_id',
          Email: 'traits.email',
          Country: 'traits.address.country',
          Date: { path: 'timestamp', type: 'date' },
          ...(extra ? { [extra.header]: extra.path } : {}),
        },
      }),
    );
  const LINE =
    '5 rows were filtered for CONSENT_MISSING (those from the EU, EEA and UK need a consent signal; on an EU-region profile every one needs a signal or an IP)';

  test.each<
    [
      string,
      Record<string, unknown>,
      { header: string; cell: string; path: string } | undefined,
      number,
      unknown,
    ]
  >([
    [
      'consent_default geo_only (the default): all filtered, and one line says what to do',
      {},
      undefined,
      0,
      undefined,
    ],
    [
      'consent_default denied: all sent, marked DENIED',
      { consent_default: 'denied' },
      undefined,
      5,
      { amazonConsent: { amznUserData: 'DENIED', amznAdStorage: 'DENIED' } },
    ],
    [
      'a consent column: all sent with their consent',
      {},
      { header: 'Marketing', cell: 'yes', path: 'context.consent.canonical.marketing' },
      5,
      { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ],
    [
      'an IP column: all sent with the IP as geo',
      {},
      { header: 'IP', cell: '203.0.113.9', path: 'context.ip' },
      5,
      { geo: { ipAddress: '203.0.113.9' } },
    ],
  ])('%s', async (_label, extraConfig, column, delivered, consent) => {
    const config = file(
      `eu-config-${delivered}-${column?.header ?? 'none'}.json`,
      JSON.stringify({ ...EU_CONFIG, ...extraConfig }),
    );
    const r = await runCli(
      ['upload', '--config', config, '--mapping', mapping(column), '--json', csv(column)],
      EU_ENV(),
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 5, delivered, filtered: 5 - delivered, invalid: 0 });
    expect(sandbox.accepted.size).toBe(delivered);
    if (delivered === 0) {
      expect(r.stderr.split('\n').filter((l) => l.includes('CONSENT_MISSING'))).toEqual([
        `${LINE}: map a consent column to context.consent.canonical.marketing (or a TCF or GPP string); for rows from elsewhere an IP column (context.ip) does too, or "consent_default": "denied" sends them marked amznUserData DENIED. See "EU-host advertisers" in docs/offline-upload.md.`,
      ]);
    } else {
      expect(r.stderr).not.toContain('CONSENT_MISSING');
      for (const { event } of sandbox.accepted.values()) expect(event?.consent).toEqual(consent);
    }
  });

  test('the dry run of an EU-region config says the same, before anything is sent', async () => {
    const config = file('eu-config-dry.json', JSON.stringify({ ...EU_CONFIG, region: 'EU' }));
    const r = await runCli(
      ['upload', '--config', config, '--mapping', mapping(undefined), '--dry-run', '--json', csv(undefined)],
      EU_ENV(),
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 5, totals: { transformed: 0, filtered: 5 } });
    expect(r.stderr).toContain(LINE);
    expect(sandbox.accepted.size).toBe(0);
  });

  test('report over NDJSON events says it per event', async () => {
    const config = file('eu-config-report.json', JSON.stringify({ ...EU_CONFIG, region: 'EU' }));
    const event = (id: string) =>
      JSON.stringify({
        event: 'purchase',
        messageId: id,
        timestamp: yesterday,
        properties: { order_id: id },
        traits: { email: `${id}@example.com`, address: { country: 'IN' } },
      });
    const events = file('eu-events.ndjson', `${event('r-1')}\n${event('r-2')}\n`);
    const r = await runCli(
      ['report', '--config', config, '--variant', 'offline', '--json', events],
      EU_ENV(),
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ totals: { transformed: 0, filtered: 2 } });
    expect(r.stderr).toContain('2 events were filtered for CONSENT_MISSING');
  });
});
