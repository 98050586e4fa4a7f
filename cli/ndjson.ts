import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { CliIo } from './io.js';

/** Input lines of an NDJSON file (or stdin), one at a time, with bounded memory. */
export function readLines(file: string | undefined, io: CliIo): AsyncIterable<string> {
  const input = file ? createReadStream(file, { encoding: 'utf8' }) : io.stdin;
  return createInterface({ input, crlfDelay: Infinity });
}

/** Writes one line, waiting for the stream to drain when its buffer is full. */
export async function writeWithBackpressure(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseLine(line: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch {
    return { ok: false };
  }
}
