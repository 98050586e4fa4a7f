import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { DEMO_ACCOUNT } from '../sandbox/accounts.js';
import { run } from '../cli/main.js';
import { runCli } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';

let sandbox: Sandbox;
let env: Record<string, string>;
const dir = tempDirForFile('amazon-dsp-cli-');
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

beforeAll(async () => {
  sandbox = await startSandbox();
  env = {
    AMAZON_ADS_API_URL: sandbox.url,
    AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
    AMAZON_ADS_CLIENT_ID: DEMO_ACCOUNT.clientId,
  };
});
afterAll(() => sandbox.close());

describe('npx amazon-dsp-events install', () => {
  test("prints the resolved installation with secrets masked for the seed's config", async () => {
    const config = file('seed.json', {
      advertiser_id: 'ENTITY1234ABCD',
      profile_id: '1234567890',
      access_token: 'Atza|IwEBIA...',
    });
    const result = await runCli(['install', '--config', config, '--variant', 'default'], env);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      region: 'NA',
      advertiser: { accountId: '5830921746193' },
      config: { access_token: '***' },
    });
    expect(result.stdout + result.stderr).not.toContain('Atza|IwEBIA');
  });

  test('exits 2 and names each bad field, without calling Amazon', async () => {
    const before = sandbox.counters.requests;
    const config = file('bad.json', {
      advertiser_id: 'nope',
      profile_id: 'x',
      access_token: 'Atza|secret-value-1',
    });
    const result = await runCli(['install', '--config', config], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config.advertiser_id: must be a numeric DSP advertiser id');
    expect(result.stderr).toContain('config.profile_id: must be a numeric string');
    expect(result.stderr).not.toContain('secret-value-1');
    expect(sandbox.counters.requests).toBe(before);
  });

  test('exits 1 with the troubleshooting words when Amazon refuses the token', async () => {
    const config = file('expired.json', {
      advertiser_id: 'ENTITY1234ABCD',
      profile_id: '1234567890',
      access_token: 'Atza|expired-token',
    });
    const result = await runCli(['install', '--config', config], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Install failed (AUTH_FAILED)');
    expect(result.stderr).toContain('Login with Amazon OAuth flow');
    expect(result.stderr).not.toContain('Atza|expired-token');
  });

  test('a missing config file is a usage error', async () => {
    const result = await runCli(['install', '--config', join(dir, 'missing.json')], env);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('cannot read');
  });
});

describe('npx amazon-dsp-events sandbox', () => {
  test('prints one JSON line with its url, ready credentials and env, then serves Login with Amazon', async () => {
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const stdout = new PassThrough();
    const firstLine = new Promise<string>((resolve) =>
      stdout.once('data', (c: Buffer) => resolve(c.toString())),
    );
    const done = run(['sandbox', '--port', '0'], {
      stdout,
      stderr: new PassThrough(),
      stdin: Readable.from(['']),
      env: {},
      stopSignal,
    });
    const line = JSON.parse((await firstLine).split('\n')[0]!);
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(line.credentials)).toEqual([
      'advertiser_id',
      'profile_id',
      'access_token',
      'client_id',
      'client_secret',
      'refresh_token',
    ]);
    const response = await fetch(`${line.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: line.credentials.refresh_token,
        client_id: line.credentials.client_id,
        client_secret: line.credentials.client_secret,
      }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).token_type).toBe('bearer');
    stop();
    expect(await done).toBe(0);
  });
});
