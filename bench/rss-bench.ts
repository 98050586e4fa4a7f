import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { eventMix } from './event-mix.js';
import type { SandboxProcess } from './sandbox-process.js';

export interface RssRun {
  events: number;
  peak_rss_mb: number;
  seconds: number;
  exit_code: number | null;
  summary: string;
}

/** Writes `count` canonical events as NDJSON, 10,000 at a time. */
async function writeEvents(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let done = 0, chunk = 0; done < count; chunk++) {
    const n = Math.min(10_000, count - done);
    const text =
      eventMix(n, 1000 + chunk)
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n';
    if (!out.write(text)) await once(out, 'drain');
    done += n;
  }
  out.end();
  await once(out, 'finish');
}

function peakRssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident memory of the `send` CLI streaming `count` events from a file to the sandbox. */
export async function benchSendRss(sandbox: SandboxProcess, count: number): Promise<RssRun> {
  const dir = mkdtempSync(join(tmpdir(), 'amazon-dsp-rss-'));
  try {
    const events = join(dir, 'events.ndjson');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify(sandbox.credentials));
    await writeEvents(events, count);
    const started = Date.now();
    // Run as a user runs it: npx follows the bin's shebang, V8 flags included.
    const child = spawn(
      join(PACKAGE_ROOT, 'bin/amazon-dsp-events.js'),
      ['send', '--config', config, events],
      {
        env: { ...process.env, ...sandbox.env, AMAZON_REQUEST_TIMEOUT_MS: '60000' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, peakRssKb(child.pid!) ?? 0);
    }, 50);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearInterval(timer);
    return {
      events: count,
      peak_rss_mb: Math.round(peak / 1024),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      exit_code: code,
      summary: /Summary: .*/.exec(stderr)?.[0] ?? stderr.slice(-300),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
