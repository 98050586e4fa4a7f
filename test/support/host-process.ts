import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';

/** The reference host started as `npm start` runs it, in a process of its own, with the URLs its banner gave. */
export interface HostProcess {
  child: ChildProcess;
  admin: string;
  ingest: string;
  /** The embedded sandbox's URL (absent with `SIGNAL_AMAZON=live`). */
  sandbox?: string;
}

const BANNER = /Management API\s+(http:\/\/\S+?)\/\s[\s\S]*Ingestion\s+(http:\/\/\S+?)\/v1\/t/;
const SANDBOX = /embedded sandbox at (http:\/\/\S+)/;

/**
 * Starts the host (`dist/host/main.js`, or `command`) on free ports with `env` over this process's environment,
 * and resolves once its banner names its URLs (and the embedded sandbox's, unless `SIGNAL_AMAZON=live`); an exit
 * before that rejects with what it printed.
 */
export function startHostProcess(
  env: NodeJS.ProcessEnv,
  command: [string, ...string[]] = [process.execPath, 'dist/host/main.js'],
): Promise<HostProcess> {
  const child = spawn(command[0], command.slice(1), {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, SIGNAL_ADMIN_PORT: '0', SIGNAL_INGEST_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const live = (env.SIGNAL_AMAZON ?? process.env.SIGNAL_AMAZON) === 'live';
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const urls = BANNER.exec(out);
      const sandbox = SANDBOX.exec(out)?.[1];
      if (urls && (live || sandbox)) resolve({ child, admin: urls[1]!, ingest: urls[2]!, sandbox });
    });
    child.once('exit', (code) =>
      reject(new Error(`the host exited with ${code} before its banner:\n${out}`)),
    );
  });
}

/** The delivery worker processes the host `pid` forked (read from /proc, as an operator's `ps` would). */
export function workerProcesses(pid: number): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const ppid = /^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${name}/stat`, 'utf8'))?.[1];
        const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return Number(ppid) === pid && cmdline.includes('worker-process.js');
      } catch {
        return false; // it ended while being read
      }
    });
}
