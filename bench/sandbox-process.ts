import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { createDestination, type Destination, type Installation } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { quietLogger } from './measure.js';

export interface SandboxProcess {
  url: string;
  credentials: Record<string, string>;
  env: Record<string, string>;
  child: ChildProcess;
  state(): Promise<{
    counters: { tokenRequests: number; eventsAccepted: number };
    accepted: number;
    duplicates: number;
  }>;
  control(path: string, body?: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The sandbox in a process of its own (as Amazon would be), keeping ids only, via the project's CLI; `extra`
 * are more of its options (`--rate-limit 20`).
 */
export async function startSandboxProcess(extra: string[] = []): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    [
      join(PACKAGE_ROOT, 'bin/amazon-dsp-events.js'),
      ...['sandbox', '--record', 'ids', '--keep-requests', '0', ...extra],
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const { url, credentials, env } = JSON.parse(first) as {
    url: string;
    credentials: Record<string, string>;
    env: Record<string, string>;
  };
  return {
    url,
    credentials,
    env,
    child,
    state: async () => (await (await fetch(`${url}/__sandbox/state`)).json()) as never,
    control: async (path, body) => {
      await fetch(`${url}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A destination wired to the sandbox process, logging warnings only, installed with its demo credentials. */
export async function benchDestination(
  sandbox: SandboxProcess,
  concurrency: number,
  timeoutMs: number,
): Promise<{ destination: Destination; installation: Installation }> {
  const destination = createDestination({
    hostSettings: {
      regionHosts: regionHostsFromBase(sandbox.url),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      platformClientId: sandbox.credentials.client_id,
      requestTimeoutMs: timeoutMs,
    },
    logger: quietLogger(),
    delivery: { concurrency },
  });
  return {
    destination,
    installation: await destination.install({ variant: 'default', config: sandbox.credentials }),
  };
}
