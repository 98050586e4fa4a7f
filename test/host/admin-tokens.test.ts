import { sameSecret } from '../../host/http/same-secret.js';
import { startHost, ADMIN_TOKEN, PIPELINE_KEY, type HostHarness } from '../support/host-harness.js';
import { jsonOf, sendRaw } from '../support/raw-http.js';

/**
 * The admin token and the pipeline key: compared in constant time whatever their length, never taken from a
 * URL; the page's event stream authenticates with an HttpOnly session cookie opened with the token.
 */
let h: HostHarness;
beforeAll(async () => {
  h = await startHost();
});
afterAll(() => h.close());

const get = (target: string, headers: string[] = []) =>
  sendRaw(
    h.host.adminUrl,
    `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers.map((x) => `${x}\r\n`).join('')}Connection: close\r\n\r\n`,
    1_000,
  );

test.each([
  ['the same text', ADMIN_TOKEN, ADMIN_TOKEN, true],
  ['one character short', ADMIN_TOKEN, ADMIN_TOKEN.slice(0, -1), false],
  ['a longer text with the token as prefix', ADMIN_TOKEN, `${ADMIN_TOKEN}x`, false],
  ['the empty text', ADMIN_TOKEN, '', false],
  ['a megabyte', ADMIN_TOKEN, 'a'.repeat(1 << 20), false],
  ['non-ASCII', 'é', 'e\u0301', false],
])('sameSecret with %s: never a throw on a length difference', (_, expected, given, same) => {
  expect(sameSecret(given, expected)).toBe(same);
});

test.each([
  ['a token of another length', 'Bearer x'],
  ['the token with a byte more', `Bearer ${ADMIN_TOKEN}0`],
  ['the pipeline key', `Bearer ${PIPELINE_KEY}`],
  ['another scheme', `Basic ${ADMIN_TOKEN}`],
])('admin with %s: 401', async (_, authorization) => {
  const answer = await get('/v1/admin/integrations', [`Authorization: ${authorization}`]);
  expect([answer.status, jsonOf(answer)?.error?.code]).toEqual([401, 'unauthorized']);
});

test('a token in the URL is refused, even the right one, on the stream and everywhere', async () => {
  for (const target of [
    `/v1/admin/live-events/stream?token=${ADMIN_TOKEN}`,
    `/v1/admin/integrations?token=${ADMIN_TOKEN}`,
  ]) {
    const answer = await get(target);
    expect(answer.status).toBe(401);
    expect(jsonOf(answer).error.message).toContain('A token in the URL is not accepted');
  }
});

test('a session opened with the token: an HttpOnly, SameSite=Strict cookie that opens the stream and nothing else', async () => {
  expect(
    (
      await sendRaw(
        h.host.adminUrl,
        'POST /v1/admin/session HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
      )
    ).status,
  ).toBe(401);
  const opened = await fetch(`${h.host.adminUrl}/v1/admin/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(opened.status).toBe(204);
  const setCookie = opened.headers.get('set-cookie')!;
  expect(setCookie).toMatch(
    /^signal_admin=[\w-]{43}; Path=\/v1\/admin; Max-Age=43200; HttpOnly; SameSite=Strict$/,
  );
  const cookie = setCookie.split(';')[0]!;

  const stream = await get('/v1/admin/live-events/stream', [`Cookie: ${cookie}`]);
  expect(stream.status).toBe(200);
  expect(stream.text).toContain('content-type: text/event-stream');
  // The cookie is for the stream only: every other admin call still needs the bearer token.
  expect((await get('/v1/admin/integrations', [`Cookie: ${cookie}`])).status).toBe(401);
  // A made-up session, or the cookie sent twice, opens nothing.
  expect((await get('/v1/admin/live-events/stream', ['Cookie: signal_admin=AAAA'])).status).toBe(401);
  expect((await get('/v1/admin/live-events/stream', [`Cookie: ${cookie}; ${cookie}`])).status).toBe(401);

  // Closing the session ends it.
  const closed = await fetch(`${h.host.adminUrl}/v1/admin/session`, {
    method: 'DELETE',
    headers: { cookie },
  });
  expect(closed.status).toBe(204);
  expect(closed.headers.get('set-cookie')).toMatch(/^signal_admin=; Path=\/v1\/admin; Max-Age=0;/);
  expect((await get('/v1/admin/live-events/stream', [`Cookie: ${cookie}`])).status).toBe(401);
});
