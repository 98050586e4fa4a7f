import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** The redis-server to run: `SIGNAL_TEST_REDIS_SERVER` (a path or a command name), else Debian's on the PATH. */
export const REDIS_SERVER = process.env.SIGNAL_TEST_REDIS_SERVER || 'redis-server';
const FIX = 'apt-get install -y redis-server';

/** Whether something answers on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Debian's redis-server on a free port, nothing saved to disk; stopped by `stop()`. When it cannot be started
 * (missing, not executable, exits, or silent for 5 s) the promise rejects at once naming the fix, and no
 * process is left behind to keep the caller's event loop alive.
 */
export async function startRedis(command: string = REDIS_SERVER): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    command,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  let failure: string | undefined;
  child.once(
    'error',
    (error: NodeJS.ErrnoException) => (failure = `${command}: ${error.code ?? error.message}`),
  );
  child.once('exit', (code, signal) => (failure ??= `${command} exited (${signal ?? `code ${code}`})`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (failure === undefined && (await answers(port))) break;
    if (failure !== undefined || Date.now() > deadline) {
      const message = `redis-server did not start (${failure ?? 'no answer within 5 s'}): ${FIX}`;
      await stop();
      throw new Error(message);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}
