import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { runCli } from './support/run-cli.js';
import { SEED_EVENT, seedWith } from './support/transform-harness.js';
import { tempDirForFile } from './support/temp-dir.js';

let sandbox: Sandbox;
let env: Record<string, string>;
const dir = tempDirForFile('amazon-dsp-send-');
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify(credentialsOf(TEST_ACCOUNT)));
const recent = () => new Date(Date.now() - 3600_000).toISOString();

beforeEach(async () => {
  sandbox = await startSandbox();
  env = {
    AMAZON_ADS_API_URL: sandbox.url,
    AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
    AMAZON_REQUEST_TIMEOUT_MS: '2000',
  };
});
afterEach(() => sandbox.close());

describe('npx amazon-dsp-events send', () => {
  test('a mixed file, with Amazon answering 401, 429 and 500 during the run: every line accounted for exactly once', async () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const kind =
        i % 100 === 7
          ? 'unmapped'
          : i % 100 === 13
            ? 'broken'
            : i % 100 === 21
              ? 'old'
              : i % 100 === 42
                ? 'eu-no-consent'
                : 'good';
      if (kind === 'broken') lines.push('{"event": "purchase",');
      else if (kind === 'unmapped')
        lines.push(JSON.stringify(seedWith({ event: 'newsletter_opened', timestamp: recent() })));
      else if (kind === 'old')
        lines.push(
          JSON.stringify(
            seedWith({ timestamp: '2020-01-01T00:00:00Z', properties: { transaction_id: `T-${i}` } }),
          ),
        );
      else if (kind === 'eu-no-consent')
        lines.push(
          JSON.stringify(
            seedWith({
              timestamp: recent(),
              context: { locale: 'fr-FR', consent: undefined },
              traits: { address: { country: 'FR' } },
            }),
          ),
        );
      else
        lines.push(
          JSON.stringify(seedWith({ timestamp: recent(), properties: { transaction_id: `T-${i}` } })),
        );
      expected.push(kind);
    }
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    sandbox.faults.add({ route: 'events', status: 401 });
    sandbox.faults.add({ route: 'events', status: 429, retryAfter: '1' });
    sandbox.faults.add({ route: 'events', status: 500 });
    sandbox.setChaos({ eventError: 0.01, seed: 3 });

    const result = await runCli(['send', '--config', config, file], env);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

    expect(out).toHaveLength(1500);
    expect(out.map((o) => o.line)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    const byKind = (kind: string) => out.filter((_, i) => expected[i] === kind).map((o) => o.status);
    expect(new Set(byKind('unmapped'))).toEqual(new Set(['filtered']));
    expect(new Set(byKind('eu-no-consent'))).toEqual(new Set(['filtered']));
    expect(new Set(byKind('broken'))).toEqual(new Set(['invalid']));
    expect(new Set(byKind('old'))).toEqual(new Set(['invalid']));
    expect(new Set(byKind('good'))).toEqual(new Set(['delivered', 'rejected']));

    const delivered = out.filter((o) => o.status === 'delivered');
    const rejected = out.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0].error).toMatchObject({
      code: 'FIELD_VALUE_IS_INVALID',
      message: 'Injected per-event error',
    });
    for (const o of delivered) expect(sandbox.acceptedCounts.get(`4728736040201:${o.eventId}`)).toBe(1);
    expect(sandbox.accepted.size).toBe(delivered.length);
    expect(sandbox.duplicates).toBe(0);
    expect(sandbox.counters.tokenRequests).toBe(1);
    expect(sandbox.counters.byStatus).toMatchObject({ 401: 1, 429: 1, 500: 1 });

    const count = (s: string) => out.filter((o) => o.status === s).length;
    expect(result.stderr).toContain(`Summary: 1500 events in`);
    expect(result.stderr).toContain(
      `delivered ${count('delivered')}, rejected ${count('rejected')}, filtered ${count('filtered')}, invalid ${count('invalid')}, retry 0`,
    );
    expect(count('delivered') + count('rejected') + count('filtered') + count('invalid')).toBe(1500);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('Jane.Doe@Example.com');
  });

  test('a line over 1 MiB is answered invalid by its number, never its content, and the run goes on', async () => {
    const good = (id: string) =>
      JSON.stringify(seedWith({ timestamp: recent(), properties: { transaction_id: id } }));
    const huge = `{"event":"purchase","properties":{"note":"${'z'.repeat(2 * 1024 * 1024)}"}}`;
    const file = join(dir, 'long-line.ndjson');
    writeFileSync(file, `${good('L-1')}\n${huge}\n${good('L-3')}\n`);
    const result = await runCli(['send', '--config', config, file], env);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => [o.line, o.status])).toEqual([
      [1, 'delivered'],
      [2, 'invalid'],
      [3, 'delivered'],
    ]);
    expect(out[1].error.code).toBe('INPUT_LINE_TOO_LONG');
    expect(out[1].error.message).toMatch(/^Line 2 has \d+ bytes, over the 1048576 a line may have/);
    expect(result.stdout + result.stderr).not.toContain('zzzz');
    expect(sandbox.accepted.size).toBe(2);
    expect(result.code).toBe(1);
  });

  test('exit 0 when every event was delivered, reading stdin', async () => {
    const input = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify(seedWith({ timestamp: recent(), properties: { transaction_id: `S-${i}` } })),
    ).join('\n');
    const result = await runCli(['send', '--config', config], env, `${input}\n`);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
    ).toEqual(Array(5).fill('delivered'));
  });

  test('an invalid config exits 2 naming the field, before reading events', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...credentialsOf(TEST_ACCOUNT), profile_id: 'p' }));
    const result = await runCli(['send', '--config', bad], env, `${JSON.stringify(SEED_EVENT)}\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config.profile_id: must be a numeric string');
  });
});
