import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { LIMITS } from '../../plugin/constants.js';
import type { Installation } from '../../plugin/installation.js';
import { LineWriter, parseLine, readLines, type InputLine } from '../ndjson.js';
import { emptyCounts, Progress, type SendCounts } from '../progress.js';
import { UsageError, writeLine, type CliIo } from '../io.js';
import { installFromFile } from '../plugin-for-cli.js';
import { AMAZON_ENV, type CommandHelp } from '../help.js';
import { stamped } from '../stamp.js';
import { transformAndDeliver } from '../deliver-window.js';

export const sendHelp: CommandHelp = {
  name: 'send',
  synopsis: 'send --config FILE [--variant KEY] [EVENTS.ndjson]',
  title: 'transform and deliver NDJSON canonical events to Amazon',
  summary:
    'Install, then transform and deliver NDJSON canonical events (stdin without a file) to Amazon, with\n' +
    'bounded memory. One JSON line per input line on stdout, in order; progress and a summary on stderr.\n' +
    'An event is stamped receivedAt with the time it is read, as ingestion records it: web and app events\n' +
    'without a timestamp take that time; offline events never do (TIMESTAMP_MISSING).',
  options: [
    ['--config FILE', 'the install config as JSON'],
    ['--variant KEY', 'default (website), offline or mobile_app; default: default'],
  ],
  env: AMAZON_ENV,
  exitCodes: [
    [0, 'every event was delivered'],
    [1, 'some event was rejected, invalid or left to retry (or install failed at Amazon)'],
    [2, 'the config is invalid'],
    [3, 'nothing failed, but some events were filtered (consent, not mapped)'],
  ],
};

/** How many input lines are transformed and delivered together, and how many such windows run at once. */
const WINDOWS_IN_FLIGHT = 4;

type Line = Record<string, unknown>;

/** The `send` command; what it does, reads and answers is in `sendHelp`. */
export async function sendCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, variant: { type: 'string', default: 'default' } },
  });
  if (!values.config) throw new UsageError('send needs --config FILE (the install config as JSON)');
  const file = positionals[0];
  if (file && !existsSync(file)) throw new UsageError(`cannot read ${file}`);
  const installed = await installFromFile(values.config, values.variant, io);
  if (typeof installed === 'number') return installed;
  const { destination, installation } = installed;

  const windowSize = installation.config.batch_size ?? LIMITS.eventsPerRequest;
  const counts = emptyCounts();
  const progress = new Progress(io.stderr);
  const out = new LineWriter(io.stdout);
  const inFlight: Array<Promise<Line[]>> = [];
  let window: InputLine[] = [];
  let lineNumber = 0;

  const flushOldest = async (): Promise<void> => {
    const lines = await inFlight.shift()!;
    for (const line of lines) {
      counts[line.status as keyof SendCounts]++;
      await out.line(JSON.stringify(line));
    }
    await out.flush();
    progress.update(counts);
  };
  const startWindow = (): void => {
    inFlight.push(processWindow(window, lineNumber - window.length + 1, destination, installation));
    window = [];
  };

  for await (const text of readLines(file, io)) {
    lineNumber++;
    window.push(text);
    if (window.length >= windowSize) {
      startWindow();
      if (inFlight.length >= WINDOWS_IN_FLIGHT) await flushOldest();
    }
  }
  if (window.length > 0) startWindow();
  while (inFlight.length > 0) await flushOldest();

  writeLine(io.stderr, progress.done(counts));
  if (counts.rejected + counts.invalid + counts.retry > 0) return 1;
  return counts.filtered > 0 ? 3 : 0;
}

/** Transforms a window of lines, delivers the events that transformed, and answers one line per input line. */
async function processWindow(
  texts: InputLine[],
  firstLine: number,
  destination: Destination,
  installation: Installation,
): Promise<Line[]> {
  const readAt = new Date().toISOString();
  const inputs = texts.map((text) => {
    const parsed = parseLine(text);
    return parsed.ok ? { event: stamped(parsed.value, readAt).event } : { result: parsed.result };
  });
  const outcomes = await transformAndDeliver(inputs, destination, installation);
  return outcomes.map((o, i) => ({ line: firstLine + i, ...o }));
}
