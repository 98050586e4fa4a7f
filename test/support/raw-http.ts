import { connect } from 'node:net';

/** What came back on a raw connection: the status of the first answer (null: none), and all the bytes. */
export interface RawAnswer {
  status: number | null;
  text: string;
}

/**
 * Writes `bytes` as they are to the server at `url` (no client cleans them), half-closes, and collects what
 * comes back until the server closes or `timeoutMs` passes. A connection refused or reset is `status: null`.
 */
export function sendRaw(url: string, bytes: Buffer | string, timeoutMs = 5_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) });
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : null, text });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(bytes);
      socket.end();
    });
  });
}

/** The JSON body of a raw answer (after the blank line); undefined when there is none or it is not JSON. */
export function jsonOf(answer: RawAnswer): any {
  const start = answer.text.indexOf('\r\n\r\n');
  if (start < 0) return undefined;
  try {
    return JSON.parse(answer.text.slice(start + 4));
  } catch {
    return undefined;
  }
}
