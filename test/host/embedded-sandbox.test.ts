import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startHostProcess } from '../support/host-process.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * The host in sandbox mode runs the sandbox in its own process, so the sandbox's boundary is the host's: large
 * unauthenticated bodies must not grow the process (they once took it down by memory), and its controls answer
 * only with the host's admin token.
 */
const ADMIN = 'embedded-sandbox-admin';
const MB = 1024 * 1024;
/**
 * The bound on the host's resident memory growth over 20 bodies of 8 MB (160 MB sent). The old sandbox grew
 * about 250 MB here (every body held, 404s included); now about 40 MB, most of it dropped buffers not yet
 * collected, and the same for 67 bodies of 60 MB: it does not grow with what is sent.
 */
const RSS_GROWTH_BOUND_MB = 64;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});
const dataDir = tempDirForFile('signal-embedded-');

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Sends `head` then up to `mb` megabytes of body raw; the status line of the answer, or 0 when none came. */
function largeBody(port: number, head: string, mb: number, chunked: boolean): Promise<number> {
  const piece = Buffer.alloc(MB, 'a');
  const framed = chunked
    ? Buffer.concat([Buffer.from(`${MB.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    : piece;
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      let sent = 0;
      const pump = (): void => {
        // As an HTTP client does, it stops sending once an answer has come.
        while (sent < mb && !socket.destroyed && text === '') {
          sent++;
          if (!socket.write(framed)) return void socket.once('drain', pump);
        }
        if (!socket.destroyed) socket.end(chunked ? '0\r\n\r\n' : '');
      };
      pump();
    });
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

test('20 bodies of 8 MB to the embedded sandbox: answered 404/413, RSS bounded, host alive; controls need the admin token', async () => {
  const started = await startHostProcess({
    SIGNAL_DATA_DIR: dataDir,
    SIGNAL_ADMIN_TOKEN: ADMIN,
    SIGNAL_PIPELINE_KEY: 'embedded-sandbox-pipeline',
    SIGNAL_AMAZON: '',
  });
  child = started.child;
  const { admin, sandbox } = started;
  const port = Number(new URL(sandbox!).port);
  const pid = child.pid!;
  // Warm up both servers before the baseline.
  expect(
    (await fetch(`${sandbox}/__sandbox/state`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
  ).toBe(200);
  expect(
    (await fetch(`${admin}/v1/admin/integrations`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
  ).toBe(200);
  const before = rssMb(pid);

  const size = 8 * MB;
  const kinds = [
    {
      head: (i: number) => `POST /x${i} HTTP/1.1\r\nHost: a\r\nContent-Length: ${size}\r\n\r\n`,
      chunked: false,
      status: 421,
    },
    {
      head: (i: number) => `POST /x${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${size}\r\n\r\n`,
      chunked: false,
      status: 404,
    },
    {
      head: () =>
        `POST /adsApi/v1/create/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
      chunked: false,
      status: 413,
    },
    {
      head: () =>
        `POST /adsApi/v1/create/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      chunked: true,
      status: 413,
    },
  ];
  const statuses: number[] = [];
  let peak = before;
  for (let i = 0; i < 20; i += 4) {
    const round = await Promise.all(
      [0, 1, 2, 3].map((k) => largeBody(port, kinds[k]!.head(i + k), 8, kinds[k]!.chunked)),
    );
    statuses.push(...round);
    peak = Math.max(peak, rssMb(pid));
  }
  expect(peak - before).toBeLessThan(RSS_GROWTH_BOUND_MB);
  expect(statuses).toEqual(Array.from({ length: 20 }, (_, i) => kinds[i % 4]!.status));

  // Still answering; the controls refuse without the admin token and answer with it.
  expect(
    (await fetch(`${admin}/v1/admin/integrations`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
  ).toBe(200);
  expect((await fetch(`${sandbox}/__sandbox/requests`)).status).toBe(401);
  const requests = await fetch(`${sandbox}/__sandbox/requests`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(requests.status).toBe(200);
  const kept = (await requests.json()) as { data: Array<{ body: string }> };
  expect(kept.data.every((r) => r.body.length <= 2_048)).toBe(true);
}, 90_000);
