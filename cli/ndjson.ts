import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { TransformResult } from '../plugin/contracts.js';
import type { CliIo } from './io.js';

/** The most bytes an input line may have (1 MiB, twice the host's ingest body limit); a longer line is invalid. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than the cap: only its number and size are kept, never its content. */
export interface LineTooLong {
  tooLong: { line: number; bytes: number; limit: number };
}

/** One input line: its text, or what stands for a line too long to read. */
export type InputLine = string | LineTooLong;

/**
 * Input lines of an NDJSON file (or stdin), a chunk's worth at a time: every whole line of each chunk read, in
 * order. The stream is read only as fast as the batches are consumed, so memory stays bounded however large the
 * input; a batch rather than a line per step spares an await per line.
 *
 * Lines are cut from the bytes and decoded one by one: a line of ASCII then stays a one-byte string, which
 * JSON.parse reads about twice as fast as the two-byte string a whole chunk becomes when any line in it has an
 * accent (decoding chunks and splitting them took 0.9-1.4 s for 100,000 events of the bench mix; this, 0.35 s).
 *
 * A line over several chunks is kept as a list of its pieces, joined once at its newline (joining at every
 * chunk made one long line quadratic: 128 MB took 32 s). A line over `maxLineBytes` is not kept at all: its
 * pieces are dropped as they come and it is given as a `LineTooLong`, and reading goes on at the next line.
 */
export async function* readLineBatches(
  file: string | undefined,
  io: CliIo,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<InputLine[]> {
  const input = file ? createReadStream(file, { highWaterMark: 256 * 1024 }) : io.stdin;
  const carry = new LineCarry(maxLineBytes); // the start of a line the previous chunks ended in
  for await (const read of input) {
    const chunk = typeof read === 'string' ? Buffer.from(read) : (read as Buffer);
    const lines: InputLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(carry.end(chunk, start, end));
      start = end + 1;
    }
    if (start < chunk.length) carry.add(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (carry.bytes > 0) yield [carry.end(Buffer.alloc(0), 0, 0)];
}

/** The pieces of the line being read, its size, and the number of lines ended so far. */
class LineCarry {
  private pieces: Buffer[] = [];
  bytes = 0;
  private lineNumber = 0;

  constructor(private readonly maxBytes: number) {}

  add(piece: Buffer): void {
    this.bytes += piece.length;
    if (this.bytes > this.maxBytes) this.pieces = [];
    else this.pieces.push(piece);
  }

  /** The line that ends at `chunk[end]` (a newline, or the input's end), begun in the pieces carried. */
  end(chunk: Buffer, start: number, end: number): InputLine {
    this.lineNumber++;
    const bytes = this.bytes + end - start;
    let line: InputLine;
    if (bytes > this.maxBytes) line = { tooLong: { line: this.lineNumber, bytes, limit: this.maxBytes } };
    else if (this.pieces.length === 0) line = stripCr(chunk.toString('utf8', start, end));
    else line = stripCr(Buffer.concat([...this.pieces, chunk.subarray(start, end)]).toString('utf8'));
    this.pieces = [];
    this.bytes = 0;
    return line;
  }
}

const NEWLINE = 0x0a;

/** The same lines one at a time. */
export async function* readLines(file: string | undefined, io: CliIo): AsyncGenerator<InputLine> {
  for await (const batch of readLineBatches(file, io)) yield* batch;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Writes lines to a stream in blocks of about 64 KiB (one write per line cost a third of the dry run's time),
 * waiting for the stream to drain when its buffer is full. `flush` writes what is left.
 */
export class LineWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly blockChars = 64 * 1024,
  ) {}

  async line(text: string): Promise<void> {
    this.pending.push(text);
    this.size += text.length + 1;
    if (this.size >= this.blockChars) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const block = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.size = 0;
    if (!this.stream.write(block)) await once(this.stream, 'drain');
  }
}

/** The answer for an input line that is not JSON, in place of transform's. */
export const NOT_JSON: TransformResult = {
  status: 'invalid',
  error: { code: 'INPUT_NOT_JSON', message: 'The line is not valid JSON.' },
};

/** The answer for a line over the cap: its number and size, never its content. */
export function lineTooLong({ tooLong }: LineTooLong): TransformResult {
  return {
    status: 'invalid',
    error: {
      code: 'INPUT_LINE_TOO_LONG',
      message:
        `Line ${tooLong.line} has ${tooLong.bytes} bytes, over the ${tooLong.limit} a line may have; ` +
        'it was skipped. Split the event or trim its properties.',
    },
  };
}

/** JSON.parse of a line, or the invalid answer in place of transform's (not JSON, or too long to read). */
export function parseLine(
  line: InputLine,
): { ok: true; value: unknown } | { ok: false; result: TransformResult } {
  if (typeof line !== 'string') return { ok: false, result: lineTooLong(line) };
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch {
    return { ok: false, result: NOT_JSON };
  }
}
