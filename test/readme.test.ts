import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { SchemaRegistry } from '../plugin/schemas/schema-registry.js';
import { INSTALL_ERROR_HTTP } from '../host/http/install-errors.js';
import { banner } from '../host/banner.js';
import { startSandbox } from '../sandbox/index.js';
import { runCli, sandboxEnv } from './support/run-cli.js';
import { SEED_EVENT } from './support/transform-harness.js';
import { SEED_INSTALL, startHost } from './support/host-harness.js';

/** The README is the user's guide: what it names exists, and its commands do what it says, as written. */
const README = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const codeBlocks = (lang: string) =>
  [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
/** The arguments of the README's `npx amazon-dsp-events <command> …` line for a command. */
const argsOf = (command: string): string[] => {
  const line = README.split('\n').find((l) =>
    l.trim().startsWith(`npx amazon-dsp-events ${command} --config`),
  );
  if (!line) throw new Error(`the README has no ${command} command`);
  return line.trim().split(/\s+/).slice(2);
};

describe('the README', () => {
  test('opens with the two commands a fresh machine needs', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toMatch(/^npm test +#/m);
  });

  test('names only files a clone has', () => {
    expect(README).not.toContain('../shared');
    const linked = [...README.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((m) => m[1]!);
    const named = [
      ...README.matchAll(
        /`((?:examples|docs|schemas|blueprints|amazon-reference|plugin|host|test|scripts)\/[^`\s]*)`/g,
      ),
    ].map((m) => m[1]!);
    expect(linked.length + named.length).toBeGreaterThan(10);
    const missing = [...linked, ...named].filter(
      (p) => !existsSync(join(PACKAGE_ROOT, p.replace(/#.*$/, '').replace(/\/$/, ''))),
    );
    expect(missing).toEqual([]);
  });

  test.each([
    'docs/architecture.md',
    'docs/performance.md',
    'docs/blueprints.md',
    'plugin/transform/compile/README.md',
  ])('%s links only to files a clone has', (doc) => {
    const text = readFileSync(join(PACKAGE_ROOT, doc), 'utf8');
    expect(text).not.toContain('../shared');
    const links = [...text.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((m) => m[1]!);
    const missing = links.filter((l) => !existsSync(join(PACKAGE_ROOT, dirname(doc), l.replace(/#.*$/, ''))));
    expect(missing).toEqual([]);
  });

  test("its install call is the seed's, and the banner prints the same", () => {
    const body = /-d '(\{"name":"Amazon DSP Events"[^']*)'/.exec(README)?.[1];
    expect(JSON.parse(body!)).toEqual(SEED_INSTALL);
    const printed = banner({
      adminUrl: 'http://a',
      pageUrl: 'http://p',
      ingestUrl: 'http://i',
      tokens: { admin: 't', pipeline: 'p', generated: [] },
      dataDir: '.data',
    });
    expect(printed).toContain(`-d '${body}'`);
  });

  test("the forbidden account's call gets the answer the README gives", async () => {
    const said =
      /`"profile_id":"(\d+)"` and\s+`"access_token":"([^"]+)"` gets Amazon's 403, answered (\d+) `(\w+)`/.exec(
        README,
      );
    expect(said).not.toBeNull();
    const [, profileId, token, status, code] = said!;
    const h = await startHost();
    try {
      const r = await h.install({
        ...SEED_INSTALL,
        config: { ...SEED_INSTALL.config, profile_id: profileId, access_token: token },
      });
      expect({ status: r.status, code: r.body.error.code }).toEqual({ status: Number(status), code });
      const seedProfile = await h.install({
        ...SEED_INSTALL,
        config: { ...SEED_INSTALL.config, access_token: token },
      });
      expect({ status: seedProfile.status, code: seedProfile.body.error.code }).toEqual({
        status: 422,
        code: 'not_found',
      });
    } finally {
      await h.close();
    }
  });

  test('the custom_events example of docs/blueprints.md is a valid config', () => {
    const doc = readFileSync(join(PACKAGE_ROOT, 'docs/blueprints.md'), 'utf8');
    const example = [...doc.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .map((b) => JSON.parse(b) as Record<string, unknown>)
      .find((b) => b.custom_events);
    expect(example).toBeDefined();
    expect(new SchemaRegistry().validate('config', { ...SEED_INSTALL.config, ...example }, 'config')).toEqual(
      [],
    );
  });

  test('its error code table (docs/management-api.md) is the one the Management API answers with', () => {
    const doc = readFileSync(join(PACKAGE_ROOT, 'docs/management-api.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\| `([a-z_]+)` +\|/gm)].map((m) => [
      m[1],
      { status: Number(m[2]), code: m[3] },
    ]);
    expect(Object.fromEntries(rows)).toEqual(INSTALL_ERROR_HTTP);
  });

  test('its dry run prints what it shows', async () => {
    expect(readFileSync(join(PACKAGE_ROOT, 'examples/seed-event.ndjson'), 'utf8')).toBe(
      `${JSON.stringify(SEED_EVENT)}\n`,
    );
    const result = await runCli(argsOf('transform'));
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    const shown = codeBlocks('json').find((b) => b.includes('"status": "ok"'))!;
    for (const [key, value] of [...shown.matchAll(/"(\w+)": ("[^"…]*"|[\d.]+)(?=[,\s}])/g)].map((m) => [
      m[1]!,
      JSON.parse(m[2]!),
    ])) {
      expect(JSON.stringify(out)).toContain(`"${key}":${JSON.stringify(value)}`);
    }
    expect(out.event.matchKeys[0].values[0]).toBe(/"EMAIL", "values": \["([0-9a-f]{64})"\]/.exec(shown)![1]);
  });

  test('its send example delivers the example events and filters the unmapped one (exit 3)', async () => {
    const sandbox = await startSandbox();
    try {
      const result = await runCli(argsOf('send'), sandboxEnv(sandbox.url));
      const statuses = result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status);
      expect(statuses).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'filtered']);
      expect(result.code).toBe(3);
      expect(README).toContain(`AMAZON_ADS_CLIENT_ID=amzn1.application-oa2-client.sandboxdemo`);
    } finally {
      await sandbox.close();
    }
  });

  test('its report example prints a row per Amazon event type of the example events', async () => {
    const result = await runCli(argsOf('report'));
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((l) => /^[A-Z][A-Za-z]+ +\d+ +\d+ /.test(l));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([
      'AddToCart',
      'DetailPageView',
      'Purchase',
      'Subscribe',
    ]);
    expect(result.stdout).toContain('filtered: EVENT_NOT_MAPPED 1');
  });
});

describe('the banner of npm start', () => {
  const printed = banner({
    adminUrl: 'http://127.0.0.1:9',
    pageUrl: 'http://localhost:9',
    ingestUrl: 'http://127.0.0.1:8',
    tokens: { admin: 't', pipeline: 'p', generated: [] },
    dataDir: '.data',
  });
  test('ends by pointing at the page a browser can open, not an API URL that answers 401 there', () => {
    const last = printed.trim().split('\n').slice(-2).join(' ');
    expect(last).toContain('http://localhost:9/#/live');
    expect(last).not.toMatch(/http:\/\/(127\.0\.0\.1|localhost):9\/v1\//);
  });
});

test('the README explains the exit 3 of its own send example', () => {
  expect(README).toMatch(/It exits 3: four of the five example events are delivered/);
  expect(README).toContain('`newsletter_opened`');
});
