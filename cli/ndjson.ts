import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { TransformResult } from '../plugin/contracts.js';
import type { CliIo } from './io.js';

/**
 * Input lines of an NDJSON file (or stdin), one at a time. The stream is read only as fast as lines are
 * consumed, so memory stays bounded however large the input (readline's async iterator buffers every line
 * the stream produces while the consumer is busy).
 */
export async function* readLines(file: string | undefined, io: CliIo): AsyncGenerator<string> {
  const input = file ? createReadStream(file, { highWaterMark: 256 * 1024 }) : io.stdin;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let newline = rest.indexOf('\n');
    let start = 0;
    while (newline >= 0) {
      yield stripCr(rest.slice(start, newline));
      start = newline + 1;
      newline = rest.indexOf('\n', start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) yield stripCr(rest);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Writes one line, waiting for the stream to drain when its buffer is full. */
export async function writeWithBackpressure(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/** The answer for an input line that is not JSON, in place of transform's. */
export const NOT_JSON: TransformResult = {
  status: 'invalid',
  error: { code: 'INPUT_NOT_JSON', message: 'The line is not valid JSON.' },
};

/** JSON.parse that answers undefined instead of throwing. */
export function parseLine(line: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch {
    return { ok: false };
  }
}
