import { connect } from 'node:net';
import fc from 'fast-check';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

/**
 * The sandbox is an instrument other tests lean on: no request, however malformed, may take it down. Requests
 * are written raw to the socket, since fetch cleans what it sends.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

/** Writes `raw` to the sandbox's port and gives back the status of the answer (0 when none came). */
function rawRequest(raw: string | Buffer): Promise<number> {
  const port = Number(new URL(sandbox.url).port);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.end(raw);
  });
}

const stillAnswers = async (): Promise<void> => {
  const r = await fetch(`${sandbox.url}/__sandbox/state`);
  expect(r.status).toBe(200);
};

describe('sandbox: one boundary for every request', () => {
  test.each(['//x:99999/', '//[', '//%zz/', 'http://a:b:c/', '//a@/'])(
    'target %s answers 400 and the sandbox stays up',
    async (target) => {
      const status = await rawRequest(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      expect(status).toBe(400);
      await stillAnswers();
    },
  );

  test.each([
    ['a fault of null', 'POST /__sandbox/faults', 'null'],
    ['a fault list of numbers', 'POST /__sandbox/faults', '[1,2]'],
    ['a poison list of objects', 'POST /__sandbox/faults', '{"poison_event_ids":[{}]}'],
    ['chaos of a string', 'POST /__sandbox/chaos', '"x"'],
    ['events of a non-object', 'POST /adsApi/v1/create/events', '[[[[]]]]'],
  ])('%s answers and the sandbox stays up', async (_label, line, body) => {
    const status = await rawRequest(
      `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    await stillAnswers();
  });

  test('random request lines, targets, headers and bodies: every one answered, the sandbox alive', async () => {
    const target = fc.oneof(
      fc.constantFrom(
        '/',
        '/__sandbox/faults',
        '/adsApi/v1/create/events',
        '/auth/o2/token',
        '/eu/ap/oa',
        '//',
      ),
      fc.string({ maxLength: 40 }).map((s) => s.replace(/\s/g, '')),
      fc
        .tuple(fc.constantFrom('//', 'http://', '/'), fc.string({ maxLength: 20 }))
        .map(([a, b]) => a + b.replace(/\s/g, '')),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'DELETE');
    const header = fc.tuple(
      fc.constantFrom(
        'Content-Type',
        'Authorization',
        'Amazon-Ads-AccountId',
        'Amazon-Ads-ClientId',
        'X-Any',
      ),
      fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
    );
    const body = fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(method, target, fc.array(header, { maxLength: 4 }), body, async (m, t, hs, b) => {
        const head = hs.map(([k, v]) => `${k}: ${v}\r\n`).join('');
        await rawRequest(
          `${m} ${t} HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}Content-Length: ${Buffer.byteLength(b)}\r\nConnection: close\r\n\r\n${b}`,
        );
        await stillAnswers();
      }),
      { numRuns: 60 * Number(process.env.FC_RUNS ?? 1) },
    );
  });
});
