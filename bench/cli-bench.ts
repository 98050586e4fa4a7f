import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { eventMix } from './event-mix.js';
import { round } from './measure.js';

export interface CliFigures {
  cli_transform_events: number;
  cli_transform_events_per_s: number;
}

/**
 * The dry run as a user runs it: `amazon-dsp-events transform` over an NDJSON file of `count` events of the
 * mix, a whole process from spawn to exit (start-up, reading, parsing, writing to /dev/null included). The
 * faster of two runs, as the machine's speed drifts.
 */
export async function benchCliTransform(count = 100_000): Promise<CliFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  try {
    const file = join(dir, 'events.ndjson');
    const batch = 10_000;
    writeFileSync(file, '');
    for (let from = 0; from < count; from += batch) {
      const events = eventMix(Math.min(batch, count - from), 42 + from);
      writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`, { flag: 'a' });
    }
    const config = join(PACKAGE_ROOT, 'examples/seed-config.json');
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 2; run++)
      best = Math.min(best, await timeProcess(['transform', '--config', config, file]));
    return { cli_transform_events: count, cli_transform_events_per_s: round(count / (best / 1000)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeProcess(args: string[]): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  const started = performance.now();
  try {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/amazon-dsp-events.js'), ...args], {
      stdio: ['ignore', devNull, 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the dry run exited with ${code}`);
    return performance.now() - started;
  } finally {
    closeSync(devNull);
  }
}
