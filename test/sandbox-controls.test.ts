import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { DEMO_ACCOUNT } from '../sandbox/accounts.js';
import { jsonOf, sendRaw } from './support/raw-http.js';

/**
 * The sandbox's own boundary, written raw: it answers only loopback `Host` names (a web page cannot reach it
 * through DNS rebinding), its controls need the control token when one is set, the request log it hands out
 * masks credentials in bodies too, and a body over a route's limit is refused before it is held.
 */
const CONTROL_TOKEN = 'sandbox-control-token-for-tests';
let open: Sandbox;
let guarded: Sandbox;
beforeAll(async () => {
  open = await startSandbox();
  guarded = await startSandbox({ controlToken: CONTROL_TOKEN });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
});

const port = (s: Sandbox): string => new URL(s.url).port;
const get = (path: string, headers: string): string =>
  `GET ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;

describe('sandbox: Host header', () => {
  test.each([
    ['127.0.0.1:{port}', 200],
    ['localhost:{port}', 200],
    ['LOCALHOST', 200],
    ['[::1]:{port}', 200],
    ['evil.example', 421],
    ['evil.example:{port}', 421],
    ['127.0.0.1.evil.example', 421],
    ['localhost.evil.example:{port}', 421],
    ['', 421],
  ])('Host %s answers %i', async (host, status) => {
    const value = host.replace('{port}', port(open));
    const answer = await sendRaw(open.url, get('/__sandbox/state', `Host: ${value}\r\n`));
    expect(answer.status).toBe(status);
  });

  test('a rebinding page reading the request log gets 421 and no body', async () => {
    const answer = await sendRaw(open.url, get('/__sandbox/requests', 'Host: attacker.example\r\n'));
    expect(answer.status).toBe(421);
    expect(answer.text).not.toContain('"data"');
  });

  test('allowedHosts adds a name; others still 421', async () => {
    const s = await startSandbox({ allowedHosts: ['sandbox.internal'] });
    try {
      expect((await sendRaw(s.url, get('/__sandbox/state', 'Host: sandbox.internal:1\r\n'))).status).toBe(
        200,
      );
      expect((await sendRaw(s.url, get('/__sandbox/state', 'Host: other.internal\r\n'))).status).toBe(421);
    } finally {
      await s.close();
    }
  });
});

describe('sandbox: control token', () => {
  const host = (s: Sandbox): string => `Host: 127.0.0.1:${port(s)}\r\n`;
  test.each([
    ['GET /__sandbox/state', ''],
    ['GET /__sandbox/requests', ''],
    ['GET /__sandbox/events', ''],
    ['POST /__sandbox/reset', ''],
    ['POST /__sandbox/expire-tokens', ''],
    ['POST /__sandbox/faults', ''],
    ['GET /__sandbox/state', 'Authorization: Bearer wrong\r\n'],
    ['GET /__sandbox/state', `Authorization: Bearer ${CONTROL_TOKEN}x\r\n`],
    ['GET /__sandbox/state', `Authorization: ${CONTROL_TOKEN}\r\n`],
  ])('%s with %j answers 401 when a control token is set', async (line, auth) => {
    const body = line.startsWith('POST') ? '{"route":"events","status":500}' : '';
    const answer = await sendRaw(
      guarded.url,
      `${line} HTTP/1.1\r\n${host(guarded)}${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer.status).toBe(401);
    expect(jsonOf(answer).code).toBe('UNAUTHORIZED');
    expect(guarded.faults.pending).toBe(0);
  });

  test('with the token every control answers; without a token set, the controls stay open', async () => {
    const auth = `Authorization: Bearer ${CONTROL_TOKEN}\r\n`;
    expect((await sendRaw(guarded.url, get('/__sandbox/state', host(guarded) + auth))).status).toBe(200);
    const fault = '{"route":"events","status":500}';
    const posted = await sendRaw(
      guarded.url,
      `POST /__sandbox/faults HTTP/1.1\r\n${host(guarded)}${auth}Content-Length: ${fault.length}\r\nConnection: close\r\n\r\n${fault}`,
    );
    expect(posted.status).toBe(200);
    expect(guarded.faults.pending).toBe(1);
    guarded.reset();
    expect((await sendRaw(open.url, get('/__sandbox/state', host(open)))).status).toBe(200);
  });

  test('the Amazon API routes do not ask for the control token', async () => {
    const r = await fetch(`${guarded.url}/v2/profiles`, {
      headers: {
        authorization: `Bearer ${DEMO_ACCOUNT.staticAccessTokens[0]!}`,
        'amazon-advertising-api-clientid': DEMO_ACCOUNT.clientId,
      },
    });
    expect(r.status).toBe(200);
  });
});

describe('sandbox: the request log masks credentials in bodies', () => {
  test('a token request shows client_secret, refresh_token and code as ***', async () => {
    open.reset();
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: DEMO_ACCOUNT.refreshToken,
      client_id: DEMO_ACCOUNT.clientId,
      client_secret: DEMO_ACCOUNT.clientSecret,
    }).toString();
    const raw = `POST /auth/o2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`;
    expect((await sendRaw(open.url, raw)).status).toBe(200);
    const json =
      '{"code":"SplxlOBe","nested":{"api_key":"k-123","access_token":"Atza|abc"},"keep":"visible"}';
    await sendRaw(
      open.url,
      `POST /auth/o2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n${json}`,
    );
    const cut = '{"client_secret":"cut-short-secret","x":"';
    await sendRaw(
      open.url,
      `POST /auth/o2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${cut.length}\r\nConnection: close\r\n\r\n${cut}`,
    );
    const text = await (await fetch(`${open.url}/__sandbox/requests`)).text();
    for (const secret of [
      DEMO_ACCOUNT.clientSecret,
      DEMO_ACCOUNT.refreshToken,
      'SplxlOBe',
      'k-123',
      'Atza|abc',
      'cut-short-secret',
    ])
      expect(text).not.toContain(secret);
    const data = (JSON.parse(text) as { data: Array<{ body: string }> }).data;
    expect(data).toHaveLength(3);
    expect(data[2]!.body).toBe(`[${cut.length} characters of JSON that does not parse]`);
    expect(data[0]!.body).toContain('client_secret=***');
    expect(data[0]!.body).toContain('refresh_token=***');
    expect(data[0]!.body).toContain(`client_id=${encodeURIComponent(DEMO_ACCOUNT.clientId)}`);
    expect(JSON.parse(data[1]!.body)).toEqual({
      code: '***',
      nested: { api_key: '***', access_token: '***' },
      keep: 'visible',
    });
  });
});

describe('sandbox: bodies over the limit are never held', () => {
  const events = '/adsApi/v1/create/events';
  test('a Content-Length over the events limit answers 413 in Amazon form before any byte of the body', async () => {
    const answer = await sendRaw(
      open.url,
      `POST ${events} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n`,
    );
    expect(answer.status).toBe(413);
    expect(answer.text).toContain(
      '{"code":"CONTENT_TOO_LARGE","message":"Request payload is too large. Consider splitting it into multiple requests."}',
    );
  });

  test('a chunked body answers 413 as soon as it passes the limit, the rest unread', async () => {
    const s = await startSandbox({ maxBodyBytes: 1_000 });
    try {
      const chunk = 'a'.repeat(600);
      const part = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
      // Two chunks pass the limit; the body never ends (no last chunk), so only an early answer comes back.
      const answer = await sendRaw(
        s.url,
        `POST ${events} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${part}${part}`,
      );
      expect(answer.status).toBe(413);
      expect(s.requests.map((r) => [r.status, r.body.length])).toEqual([[413, 0]]);
    } finally {
      await s.close();
    }
  });

  test('an unknown route answers 404 without reading a declared body, and keeps none of it', async () => {
    open.reset();
    const answer = await sendRaw(
      open.url,
      `POST /x1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000000\r\n\r\n${'b'.repeat(1000)}`,
    );
    expect(answer.status).toBe(404);
    expect(open.requests.map((r) => [r.status, r.body])).toEqual([[404, '']]);
  });

  test('the request log keeps at most keepBodyChars per body and keepTotalChars in all', async () => {
    const s = await startSandbox({ keepBodyChars: 100, keepTotalChars: 250 });
    try {
      const body = JSON.stringify({ x: 'c'.repeat(5_000) });
      for (let i = 0; i < 5; i++)
        await fetch(`${s.url}/auth/o2/token`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'text/plain' },
        });
      expect(s.requests.map((r) => r.body.length)).toEqual([100, 100]);
    } finally {
      await s.close();
    }
  });
});
