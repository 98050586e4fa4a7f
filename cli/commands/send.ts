import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { LIMITS } from '../../plugin/constants.js';
import type { DeliveryItem, EventOutcome, TransformResult } from '../../plugin/contracts.js';
import type { Installation } from '../../plugin/installation.js';
import { readJsonFile } from './install.js';
import { NOT_JSON, parseLine, readLines, writeWithBackpressure } from '../ndjson.js';
import { emptyCounts, Progress, type SendCounts } from '../progress.js';
import { UsageError, writeLine, type CliIo } from '../io.js';
import { cliContainer, reportInstallError } from '../plugin-for-cli.js';
import { AMAZON_ENV, type CommandHelp } from '../help.js';
import { stamped } from '../stamp.js';

export const sendHelp: CommandHelp = {
  name: 'send',
  synopsis: 'send --config FILE [--variant KEY] [EVENTS.ndjson]',
  title: 'transform and deliver NDJSON canonical events to Amazon',
  summary:
    'Install, then transform and deliver NDJSON canonical events (stdin without a file) to Amazon, with\n' +
    'bounded memory. One JSON line per input line on stdout, in order; progress and a summary on stderr.\n' +
    'An event without a timestamp is stamped with the time it is read, as ingestion stamps it.',
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
  const config = await readJsonFile(values.config);

  const destination = cliContainer(io).resolve(Destination);
  let installation: Installation;
  try {
    installation = await destination.install({ variant: values.variant, config });
  } catch (error) {
    return reportInstallError(error, io);
  }

  const windowSize = installation.config.batch_size ?? LIMITS.eventsPerRequest;
  const counts = emptyCounts();
  const progress = new Progress(io.stderr);
  const inFlight: Array<Promise<Line[]>> = [];
  let window: string[] = [];
  let lineNumber = 0;

  const flushOldest = async (): Promise<void> => {
    const lines = await inFlight.shift()!;
    for (const line of lines) {
      counts[line.status as keyof SendCounts]++;
      await writeWithBackpressure(io.stdout, JSON.stringify(line));
    }
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
  texts: string[],
  firstLine: number,
  destination: Destination,
  installation: Installation,
): Promise<Line[]> {
  const readAt = new Date().toISOString();
  const results: TransformResult[] = texts.map((text) => {
    const parsed = parseLine(text);
    return parsed.ok ? destination.transform(stamped(parsed.value, readAt).event, installation) : NOT_JSON;
  });
  const items: DeliveryItem[] = [];
  results.forEach((r, i) => {
    if (r.status === 'ok') items.push({ id: String(i), event: r.event });
  });
  const report = items.length > 0 ? await destination.deliver(items, installation) : { outcomes: [] };
  const outcomes = new Map<number, EventOutcome>(report.outcomes.map((o) => [Number(o.id), o]));
  return results.map((r, i) => {
    const line = firstLine + i;
    if (r.status !== 'ok') return { line, ...r };
    const o = outcomes.get(i)!;
    const eventId = r.event.eventId;
    if (o.status === 'delivered') return { line, status: 'delivered', eventId };
    if (o.status === 'rejected')
      return {
        line,
        status: 'rejected',
        eventId,
        error: { code: o.code, message: o.message, ...(o.fieldLocation ? { field: o.fieldLocation } : {}) },
      };
    return {
      line,
      status: 'retry',
      eventId,
      error: { code: o.code, message: o.message },
      retryAfterMs: o.retryAfterMs,
    };
  });
}
