import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { credentialsOf, TEST_ACCOUNT } from '../sandbox/accounts.js';
import { scenarios, type Scenario, type TrueConversion } from './scenario-journeys.js';

/**
 * `npm run scenarios`: attribution journeys played through the reference host, as `npm start` runs it (its own
 * process, the embedded sandbox as Amazon), and what Amazon counts at the end: the sandbox's attribution
 * ledger (both sources, deduplicated by eventId) and the events it accepted. One table, a target per row;
 * exits 1 when a target is missed.
 */
const ADMIN = 'scenario-admin';
const PIPELINE = 'scenario-pipeline';
const SEED_CONFIG = {
  advertiser_id: 'ENTITY1234ABCD',
  profile_id: '1234567890',
  access_token: 'Atza|IwEBIA...',
};

interface Urls {
  admin: string;
  ingest: string;
  sandbox: string;
}

interface Attribution {
  conversions: number;
  duplicates_removed: number;
  by_source: { events_api: number; ad_tag: number };
  with_click_token: number;
}

interface Row {
  scenario: string;
  trueConversions: number;
  atAmazon: number;
  countedTwice: number;
  removed: number;
  withToken: number;
  attributable: number;
  target: string;
  met: boolean;
  detail: string;
}

async function startHost(dataDir: string): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist/host/main.js')], {
    env: {
      ...process.env,
      SIGNAL_AMAZON: 'sandbox',
      SIGNAL_DATA_DIR: dataDir,
      SIGNAL_ADMIN_PORT: '0',
      SIGNAL_INGEST_PORT: '0',
      SIGNAL_SANDBOX_PORT: '0',
      SIGNAL_ADMIN_TOKEN: ADMIN,
      SIGNAL_PIPELINE_KEY: PIPELINE,
      SIGNAL_POLL_MS: '20',
      SIGNAL_REDIS_URL: '',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const urls = await new Promise<Urls>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the host did not start within 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m =
        /Management API\s+(http:\/\/\S+?)\/\s[\s\S]*Ingestion\s+(http:\/\/\S+?)\/v1\/t[\s\S]*embedded sandbox at (http:\/\/\S+)/.exec(
          out,
        );
      if (m) {
        clearTimeout(timer);
        resolve({ admin: m[1]!, ingest: m[2]!, sandbox: m[3]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`the host exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return { child, urls };
}

async function call(
  url: string,
  token: string | undefined,
  method = 'GET',
  body?: unknown,
): Promise<unknown> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url} answered ${r.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Delivery rows per status, summed. */
async function settled(urls: Urls): Promise<{ rows: number; pending: number }> {
  const stats = (await call(`${urls.admin}/v1/admin/stats`, ADMIN)) as { deliveries: Record<string, number> };
  const d = stats.deliveries;
  return {
    rows: Object.values(d).reduce((a, b) => a + b, 0),
    pending: (d.queued ?? 0) + (d.in_flight ?? 0),
  };
}

async function play(urls: Urls, scenario: Scenario, rowsBefore: number): Promise<Row> {
  await call(`${urls.sandbox}/__sandbox/reset`, undefined, 'POST');
  const config = scenario.install === 'eu' ? credentialsOf(TEST_ACCOUNT, 1) : SEED_CONFIG;
  const installed = (await call(
    `${urls.admin}/v1/admin/integration-catalog/amazon_dsp/install`,
    ADMIN,
    'POST',
    { name: `Scenario: ${scenario.name}`, variant: 'default', config, delivery_mode: 'server_side' },
  )) as { id: string; installation: { advertiser: { accountId: string | number } } };
  // The DSP advertiser account the installation resolved: the one the Ad Tag on the page belongs to.
  const account = String(installed.installation.advertiser.accountId);
  let serverEvents = 0;
  for (const step of scenario.steps) {
    if ('server' in step) {
      serverEvents++;
      await call(`${urls.ingest}/v1/t`, PIPELINE, 'POST', step.server);
    } else {
      await call(`${urls.sandbox}/__sandbox/adtag`, undefined, 'POST', {
        account_id: account,
        name: step.adTag.name,
        eventId: step.adTag.eventId,
        timestamp: new Date(step.adTag.at).toISOString(),
      });
    }
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await settled(urls);
    if (s.rows >= rowsBefore + serverEvents && s.pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${scenario.name}: deliveries not settled within 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const state = (await call(`${urls.sandbox}/__sandbox/state`, undefined)) as { attribution: Attribution };
  const accepted = (await call(`${urls.sandbox}/__sandbox/events?limit=100000`, undefined)) as {
    data: Array<{ eventId?: string; event?: Record<string, unknown> }>;
  };
  const atAmazon = new Map(accepted.data.map((a) => [a.eventId, a.event ?? {}]));
  await call(`${urls.admin}/v1/admin/integrations/${installed.id}`, ADMIN, 'DELETE');
  return row(scenario, state.attribution, atAmazon);
}

/** Whether Amazon may use an accepted event for attribution: consent not DENIED, no limited data use. */
function usable(event: Record<string, unknown>): boolean {
  const consent = event.consent as { amazonConsent?: { amznUserData?: string } } | undefined;
  const ldu =
    (event.dataProcessingOptions as { options?: string } | undefined)?.options === 'LIMITED_DATA_USE';
  return consent?.amazonConsent?.amznUserData !== 'DENIED' && !ldu;
}

function row(
  scenario: Scenario,
  attribution: Attribution,
  atAmazon: Map<string | undefined, Record<string, unknown>>,
): Row {
  const conversions = scenario.conversions;
  const sent = (c: TrueConversion) => atAmazon.has(c.serverEventId);
  const known = conversions.filter((c) => c.adTag || sent(c));
  const reached = known.filter((c) => c.adTag || usable(atAmazon.get(c.serverEventId)!));
  const r: Row = {
    scenario: scenario.name,
    trueConversions: conversions.length,
    atAmazon: attribution.conversions,
    // Conversions Amazon counts beyond the true ones that reached it: the double count of unpaired sources.
    countedTwice: attribution.conversions - known.length,
    removed: attribution.duplicates_removed,
    withToken: attribution.with_click_token,
    attributable: reached.length / conversions.length,
    target: scenario.target,
    met: false,
    detail: '',
  };
  const hasToken = (c: TrueConversion) =>
    typeof atAmazon.get(c.serverEventId)?.arefMeasurementTokens === 'string';
  switch (scenario.name) {
    case 'Ad Tag + server, paired':
      r.met = r.countedTwice === 0 && r.removed === conversions.length;
      break;
    case 'Ad Tag + server, unpaired':
      r.met = r.countedTwice === conversions.length && r.removed === 0;
      break;
    case 'click journey': {
      const purchases = conversions.filter((c) => c.name === 'Purchase');
      const clicked = purchases.filter((c) => c.clicked);
      const withToken = clicked.filter(hasToken).length;
      const organicWithToken = purchases.filter((c) => !c.clicked && hasToken(c)).length;
      r.met = withToken === clicked.length && organicWithToken === 0;
      r.detail = `${withToken}/${clicked.length} clicked purchases with the token, ${organicWithToken} organic`;
      break;
    }
    default: {
      const unsent = conversions.filter((c) => !sent(c));
      const allowed = conversions.filter((c) => c.mayNotBeSent);
      const wrongly = unsent.filter((c) => !c.mayNotBeSent).length;
      r.met = wrongly === 0 && unsent.length === allowed.length;
      r.detail = `${unsent.length} unsent, ${allowed.length} allowed; ${wrongly} that should have been sent`;
    }
  }
  return r;
}

function table(rows: Row[]): string {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const head = [
    'scenario',
    'true conversions',
    'at Amazon',
    'counted twice',
    'deduplicated',
    'with click token',
    'attributable',
    'target',
    'met',
  ];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.trueConversions),
    String(r.atAmazon),
    String(r.countedTwice),
    String(r.removed),
    String(r.withToken),
    pct(r.attributable),
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 0 || i >= 7 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-scenarios-'));
  const { child, urls } = await startHost(dataDir);
  try {
    const rows: Row[] = [];
    let before = (await settled(urls)).rows;
    for (const scenario of scenarios(Date.now() - 3_600_000)) {
      const r = await play(urls, scenario, before);
      before += scenario.steps.filter((s) => 'server' in s).length;
      rows.push(r);
    }
    process.stdout.write(`${table(rows)}\n`);
    for (const r of rows.filter((x) => x.detail)) process.stdout.write(`\n${r.scenario}: ${r.detail}`);
    process.stdout.write(
      `\n\n${rows.length} scenarios in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    if (rows.some((r) => !r.met)) process.exitCode = 1;
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scenarios failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
