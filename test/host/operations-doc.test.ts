import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { startHost, ADMIN_TOKEN, SEED_INSTALL, type HostHarness } from '../support/host-harness.js';
import { TEST_ACCOUNT, credentialsOf } from '../../sandbox/accounts.js';
import { promtool } from '../support/prometheus.js';
import { TELEMETRY_NAMES } from '../../plugin/index.js';

/**
 * docs/operations.md is the on-call engineer's reference: its commands run as written (the alert rules pass
 * promtool's check and their unit tests; the curl lines answer), every metric the host exposes is in its
 * tables, and every metric its tables and the rules name is one the code makes.
 */
const DOC = readFileSync(join(PACKAGE_ROOT, 'docs/operations.md'), 'utf8');
const RULES = readFileSync(join(PACKAGE_ROOT, 'docs/alerts.rules.yml'), 'utf8');
const shellLines = (prefix: string) =>
  [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split('\n'))
    .filter((l) => l.startsWith(prefix));
const documented = new Set([...DOC.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]!));
/** Metric families in an exposition: `# TYPE name type`. */
const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);

test.each(shellLines('promtool '))('`%s` succeeds', (line) => {
  const [, ...args] = line.split(' ');
  const r = promtool(
    args.map((a) => join(PACKAGE_ROOT, a).replace(`${PACKAGE_ROOT}/`, '')),
    undefined,
  );
  expect(r.output).toContain('SUCCESS');
  expect(r.status).toBe(0);
});

test('the instrument table maps every plugin instrument to the Prometheus name the tables and rules use', () => {
  const rows = [...DOC.matchAll(/^\| `([a-z_]+(?:\.[a-z_]+)+)` +\| `([a-z_]+)` +\|$/gm)].map(
    (m): [string, string] => [m[1]!, m[2]!],
  );
  expect(rows.map(([instrument]) => instrument)).toEqual(
    expect.arrayContaining(Object.values(TELEMETRY_NAMES) as string[]),
  );
  expect(rows).toHaveLength(16);
  for (const [instrument, prometheus] of rows) {
    expect(prometheus.replace(/_total$/, '')).toBe(instrument.replace(/\./g, '_'));
    expect(documented.has(prometheus)).toBe(true);
  }
});

describe('against a host', () => {
  let h: HostHarness;
  beforeAll(async () => {
    h = await startHost();
    // Refresh credentials, so that an expired token is renewed.
    expect((await h.install({ ...SEED_INSTALL, config: credentialsOf(TEST_ACCOUNT) })).status).toBe(201);
    h.sandbox.faults.add({ route: 'events', status: 429 }); // a 429 on the way: its series appear too
    h.sandbox.expireTokens(true); // and a token renewal
  });
  afterAll(() => h.close());

  test("the doc's curl lines answer as it says", async () => {
    const lines = shellLines('curl ');
    expect(lines).toHaveLength(3);
    // Asynchronously: the host answering these lines runs in this process.
    const run = async (line: string) =>
      (
        await promisify(execFile)('bash', [
          '-c',
          line
            .replace('http://localhost:8084', h.host.adminUrl)
            .replace('http://localhost:8080', h.host.ingestUrl),
        ])
      ).stdout;
    expect(lines[0]).toContain('Bearer YOUR_TOKEN');
    expect(ADMIN_TOKEN).toBe('YOUR_TOKEN');
    expect(await run(lines[0]!)).toContain('# TYPE signal_deliveries gauge');
    expect(JSON.parse(await run(lines[1]!))).toEqual({ status: 'ok' });
    expect(JSON.parse(await run(lines[2]!))).toEqual({ status: 'ready' });
  });

  test('every metric the host exposes is documented, and the doc names no metric the code does not make', async () => {
    expect((await h.ingest('/v1/t', purchase(), 'not-the-key')).status).toBe(401); // a refusal, counted
    const id = (await h.ingest('/v1/t', purchase())).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
    const text = await (
      await fetch(`${h.host.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text();
    const exposed = families(text);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'amazon_dsp_throttled_total',
        'amazon_dsp_token_renewals_total',
        'amazon_dsp_pace_wait_seconds_total',
      ]),
    );
    expect(exposed.filter((f) => !documented.has(f))).toEqual([]);
    expect([...documented].filter((d) => !exposed.includes(d))).toEqual([]);
    const inRules = new Set([...RULES.matchAll(/\b((?:amazon_dsp|signal)_[a-z_]+)/g)].map((m) => m[1]!));
    expect([...inRules].filter((m) => !documented.has(m))).toEqual([]);
  });
});

function purchase(): Record<string, unknown> {
  return {
    event: 'purchase',
    properties: { transaction_id: 'OPS-1', value: 5, currency: 'USD' },
    traits: { email: 'ops.doc@example.com' },
    context: { locale: 'en-US', consent: { canonical: { marketing: true } } },
  };
}
