import { createReadStream, existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { Destination } from '../../plugin/destination.js';
import { LIMITS } from '../../plugin/constants.js';
import type { Installation } from '../../plugin/installation.js';
import type { TransformResult } from '../../plugin/contracts.js';
import { QualityTally } from '../../plugin/quality/quality-tally.js';
import { qualityFigures } from '../../plugin/quality/quality-report.js';
import { table } from './report.js';
import { UsageError, writeLine, type CliIo } from '../io.js';
import { ConsentMissingRows } from '../consent-missing-rows.js';
import { installFromFile } from '../plugin-for-cli.js';
import { AMAZON_ENV, type CommandHelp } from '../help.js';
import { emptyCounts, Progress, type SendCounts } from '../progress.js';
import { transformAndDeliver, type InputOutcome } from '../deliver-window.js';
import { localPlugin, type LocalPlugin } from '../dry-run.js';
import {
  CellError,
  missingColumns,
  readMappingFile,
  rowEvent,
  rowMessageId,
  type UploadMapping,
} from '../csv-mapping.js';
import { CheckpointFile, checkpointKey, type CheckpointKey } from '../checkpoint.js';
import { RejectsFile } from '../rejects-file.js';

export const uploadHelp: CommandHelp = {
  name: 'upload',
  synopsis:
    'upload --config FILE --mapping MAP.json [--variant KEY] [--event NAME] [--rejects FILE.csv] [--checkpoint FILE] [--restart] [--dry-run] [--json] FILE.csv',
  title: 'send a CSV export (offline conversions) to Amazon: idempotent and resumable',
  summary:
    'Send the rows of a CSV export (store or CRM sales, leads) to Amazon as offline conversions. A mapping file\n' +
    'says which column sets which canonical event path (docs/offline-upload.md); map the date of each sale to\n' +
    'timestamp: a row without one is invalid (TIMESTAMP_MISSING), never dated by the upload. A row without an id\n' +
    'gets one from a hash of the advertiser and its content, so running the same file again adds nothing at\n' +
    'Amazon. A checkpoint file beside the input records the rows done; after a crash the same command goes on\n' +
    'from there (it is removed when the run completes). --dry-run prints the match quality report and sends\n' +
    'nothing.',
  options: [
    ['--config FILE', 'the install config as JSON'],
    ['--mapping FILE', 'the column mapping as JSON (schemas/upload-mapping.schema.json)'],
    ['--variant KEY', 'offline (default), default (website) or mobile_app'],
    ['--event NAME', 'the canonical event of every row (purchase, generate_lead, …), over the mapping’s'],
    [
      '--rejects FILE',
      'write invalid and rejected rows there as CSV, with a reason column, to fix and upload again',
    ],
    ['--checkpoint FILE', 'where progress is kept (default: FILE.csv.checkpoint.json)'],
    ['--restart', 'ignore an existing checkpoint and start from the top'],
    ['--dry-run', 'transform only (no network call) and print the match quality report'],
    ['--json', 'print the summary (or the report) as one JSON object on stdout'],
  ],
  env: AMAZON_ENV,
  exitCodes: [
    [0, 'every row was delivered'],
    [1, 'some row was rejected, invalid or left to retry (run the same command again to retry)'],
    [2, 'the config, mapping or CSV header is invalid, or the checkpoint belongs to another run'],
    [3, 'nothing failed, but some rows were filtered (consent, not mapped)'],
  ],
};

/** Rows transformed and delivered together, and how many such windows run at once (as `send`). */
const WINDOWS_IN_FLIGHT = 4;

interface Row {
  /** Data row number: 1 is the first row after the header. */
  index: number;
  record: Record<string, string>;
  input: { event: unknown } | { result: TransformResult };
}

/** The `upload` command; what it does, reads and answers is in `uploadHelp`. */
export async function uploadCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      mapping: { type: 'string' },
      variant: { type: 'string', default: 'offline' },
      event: { type: 'string' },
      rejects: { type: 'string' },
      checkpoint: { type: 'string' },
      restart: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('upload needs the CSV file to send');
  if (!existsSync(file)) throw new UsageError(`cannot read ${file}`);
  if (!statSync(file).isFile()) throw new UsageError(`cannot read ${file}: it is not a file (a directory?)`);
  if (!values.config) throw new UsageError('upload needs --config FILE (the install config as JSON)');
  if (!values.mapping)
    throw new UsageError('upload needs --mapping FILE (which column sets which event path)');
  const read = readMappingFile(values.mapping);
  if ('lines' in read) {
    for (const line of read.lines) writeLine(io.stderr, line);
    return 2;
  }
  const { mapping, text: mappingText } = read;

  if (values['dry-run']) {
    const plugin = await localPlugin('upload', values, io);
    if (!plugin) return 2;
    return preflight(file, mapping, values.event, plugin, values.json, io);
  }

  const installed = await installFromFile(values.config, values.variant, io);
  if (typeof installed === 'number') return installed;
  const { destination, installation } = installed;
  const advertiser = installation.config.advertiser_id;
  const checkpoint = new CheckpointFile(values.checkpoint ?? `${file}.checkpoint.json`);
  const key = checkpointKey(file, mappingText, advertiser);
  const done = values.restart ? 0 : checkpoint.rowsDone(key);
  if (typeof done === 'string') {
    writeLine(io.stderr, done);
    return 2;
  }
  return sendRows({
    file,
    mapping,
    event: values.event,
    destination,
    installation,
    checkpoint,
    key,
    done,
    io,
    rejectsPath: values.rejects,
    json: values.json,
  });
}

/**
 * The rows of the CSV after the first `skip` (done in an earlier run: read past, not mapped), each with its event
 * or why it has none. `onHeader` sees the header row first.
 */
async function* rows(
  file: string,
  mapping: UploadMapping,
  event: string | undefined,
  advertiserId: string,
  onHeader: (header: string[]) => void,
  skip = 0,
): AsyncGenerator<Row & { bytes: number }> {
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        onHeader(header);
        return header;
      },
      skip_empty_lines: true,
      info: true,
    }),
  );
  let index = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { bytes: number };
  }>) {
    index++;
    if (index <= skip) continue;
    let input: Row['input'];
    try {
      const canonical = rowEvent(mapping, record, event);
      canonical.messageId ??= rowMessageId(advertiserId, canonical);
      // Never dated by the read: a row without a time of its own is TIMESTAMP_MISSING (see `reason`).
      input = { event: canonical };
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      const where = error.column ? `row ${index}, column "${error.column}"` : `row ${index}`;
      input = {
        result: { status: 'invalid', error: { code: 'ROW_INVALID', message: `${where}: ${error.message}` } },
      };
    }
    yield { index, record, input, bytes: info.bytes };
  }
}

interface SendRun {
  file: string;
  mapping: UploadMapping;
  event: string | undefined;
  destination: Destination;
  installation: Installation;
  checkpoint: CheckpointFile;
  key: CheckpointKey;
  /** Rows from the top already final in an earlier run: skipped. */
  done: number;
  rejectsPath: string | undefined;
  json: boolean;
  io: CliIo;
}

/**
 * Sends the rows after `done` in windows of the batch size, four windows in flight; settles them in order: counts,
 * rejects, and the checkpoint moved past every row whose outcome is final (a row left to retry holds it back).
 */
async function sendRows(run: SendRun): Promise<number> {
  const { io, installation, destination } = run;
  const windowSize = installation.config.batch_size ?? LIMITS.eventsPerRequest;
  const counts = emptyCounts();
  const size = statSync(run.file).size;
  const progress = new Progress(io.stderr);
  const rejects = run.rejectsPath ? new RejectsFile(run.rejectsPath, run.done > 0) : undefined;
  const inFlight: Array<Promise<Array<[Row, InputOutcome]>>> = [];
  let header: string[] = [];
  let window: Row[] = [];
  let checkpointed = run.done;
  let blocked = false;
  let bytes = 0;
  let missing: string[] = [];
  const untimed = new UntimedRows();
  const unconsented = new ConsentMissingRows('rows');

  const settleOldest = async (): Promise<void> => {
    for (const [row, outcome] of await inFlight.shift()!) {
      counts[outcome.status as keyof SendCounts]++;
      if (outcome.status === 'invalid' || outcome.status === 'rejected')
        rejects?.add(header, row.record, row.index, reason(outcome, row, run.mapping));
      if (outcome.status === 'invalid') untimed.add(outcome.error.code, row, run.mapping);
      unconsented.add(outcome);
      if (outcome.status === 'retry') blocked = true;
      if (!blocked) checkpointed = row.index;
    }
    rejects?.flush();
    run.checkpoint.save(run.key, checkpointed);
    progress.update(counts, false, bytes / size);
  };
  const startWindow = (): void => {
    const rows = window;
    inFlight.push(
      transformAndDeliver(
        rows.map((r) => r.input),
        destination,
        installation,
      ).then((outcomes) => rows.map((r, i) => [r, outcomes[i]!] as [Row, InputOutcome])),
    );
    window = [];
  };

  const onHeader = (h: string[]): void => {
    header = h;
    missing = missingColumns(run.mapping, h);
  };
  for await (const row of rows(
    run.file,
    run.mapping,
    run.event,
    installation.config.advertiser_id,
    onHeader,
    run.done,
  )) {
    if (missing.length > 0) break;
    bytes = row.bytes;
    window.push(row);
    if (window.length >= windowSize) {
      startWindow();
      if (inFlight.length >= WINDOWS_IN_FLIGHT) await settleOldest();
    }
  }
  if (missing.length > 0) return headerProblem(missing, header, io);
  if (window.length > 0) startWindow();
  while (inFlight.length > 0) await settleOldest();
  if (!blocked) run.checkpoint.remove();

  const summary = {
    rows: run.done + counts.delivered + counts.rejected + counts.filtered + counts.invalid + counts.retry,
    skipped: run.done,
    ...counts,
    ...(run.rejectsPath ? { rejects_file: run.rejectsPath } : {}),
    ...(blocked ? { checkpoint: run.checkpoint.path } : {}),
  };
  writeLine(io.stderr, progress.done(counts));
  untimed.report(io.stderr);
  unconsented.report(io.stderr);
  if (run.done > 0)
    writeLine(io.stderr, `Resumed after row ${run.done} (the rows before were done in an earlier run).`);
  if (blocked)
    writeLine(
      io.stderr,
      `Some rows are left to retry: run the same command again to send them (${run.checkpoint.path}).`,
    );
  if (run.json) writeLine(io.stdout, JSON.stringify(summary));
  if (counts.rejected + counts.invalid + counts.retry > 0) return 1;
  return counts.filtered > 0 ? 3 : 0;
}

function reason(outcome: InputOutcome, row: Row, mapping: UploadMapping): string {
  if (outcome.status !== 'invalid' && outcome.status !== 'rejected') return '';
  const { code, message } = outcome.error;
  return code === 'TIMESTAMP_MISSING' ? `${code}: ${missingTime(row, mapping)}` : `${code}: ${message}`;
}

/** The canonical paths an offline blueprint reads an event's own time from. */
const TIME_PATHS = new Set(['timestamp', 'originalTimestamp']);

/**
 * Where a row's time should have been: the row, and the column mapped to `timestamp` (empty in this row), or
 * that the mapping maps none. A row is never dated by the time it is read.
 */
export function missingTime(row: Pick<Row, 'index'>, mapping: UploadMapping): string {
  const column = [...mapping.columns].find(([, rule]) => TIME_PATHS.has(rule.path))?.[0];
  return column === undefined
    ? `row ${row.index}: no column of the mapping sets timestamp; map the column holding when the conversion happened (an offline conversion is never dated by the upload).`
    : `row ${row.index}, column "${column}": empty; fill in when the conversion happened (an offline conversion is never dated by the upload).`;
}

function headerProblem(missing: string[], header: string[], io: CliIo): number {
  writeLine(
    io.stderr,
    `Invalid input:\n  mapping.columns: ${missing.map((c) => `"${c}"`).join(', ')} not in the CSV header (it has ${header.map((c) => `"${c}"`).join(', ')})`,
  );
  return 2;
}

/** --dry-run: the match quality report of the rows, nothing sent. */
async function preflight(
  file: string,
  mapping: UploadMapping,
  event: string | undefined,
  plugin: LocalPlugin,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const tally = new QualityTally();
  const untimed = new UntimedRows();
  const unconsented = new ConsentMissingRows('rows');
  let header: string[] = [];
  let missing: string[] = [];
  let count = 0;
  for await (const row of rows(file, mapping, event, plugin.config.advertiser_id, (h) => {
    header = h;
    missing = missingColumns(mapping, h);
  })) {
    if (missing.length > 0) break;
    count++;
    if ('result' in row.input) {
      tally.addTransform('', row.input.result);
      unconsented.add(row.input.result);
    } else {
      const { result, explanation } = plugin.transform(row.input.event);
      tally.addTransform(explanation.eventName ?? '', result, {
        input: row.input.event,
        country: explanation.country,
      });
      if (result.status === 'invalid') untimed.add(result.error.code, row, mapping);
      unconsented.add(result);
    }
  }
  if (missing.length > 0) return headerProblem(missing, header, io);
  const { totals, by_event, reasons } = qualityFigures(tally.rows());
  const report = {
    rows: count,
    totals: { transformed: totals.transformed, filtered: totals.filtered, invalid: totals.invalid },
    by_event,
    reasons: { filtered: reasons.filtered, invalid: reasons.invalid },
    too_old: reasons.invalid.EVENT_TOO_OLD ?? 0,
  };
  untimed.report(io.stderr);
  unconsented.report(io.stderr);
  if (json) writeLine(io.stdout, JSON.stringify(report));
  else {
    io.stdout.write(table(report));
    if (report.too_old > 0)
      writeLine(
        io.stdout,
        `\n${report.too_old} rows are older than 21 days: Amazon refuses them, so they would not be sent.`,
      );
  }
  return 0;
}

/** The rows without a time of their own (TIMESTAMP_MISSING): how many, and where the first one is. */
class UntimedRows {
  private count = 0;
  private first = '';

  add(code: string, row: Pick<Row, 'index'>, mapping: UploadMapping): void {
    if (code !== 'TIMESTAMP_MISSING') return;
    if (this.count++ === 0) this.first = missingTime(row, mapping);
  }

  /** One line on `out` when any row had no time: the count and the first row and column. */
  report(out: NodeJS.WritableStream): void {
    if (this.count === 0) return;
    writeLine(out, `${this.count} rows have no time of their own (TIMESTAMP_MISSING), first: ${this.first}`);
  }
}
