import { Readable, PassThrough } from 'node:stream';
import { readLineBatches } from '../cli/ndjson.js';
import type { CliIo } from '../cli/io.js';

/** NDJSON input cut into lines from its bytes, however the chunks it arrives in fall. */
async function linesOf(chunks: Array<Buffer | string>): Promise<string[]> {
  const io: CliIo = {
    stdin: Readable.from(chunks, { objectMode: true }),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
  };
  const lines: string[] = [];
  for await (const batch of readLineBatches(undefined, io)) lines.push(...(batch as string[]));
  return lines;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');
const maria = bytes('{"n":"María"}\n');
const split = maria.indexOf(0xc3) + 1; // inside the two bytes of "í"

test.each<[string, Array<Buffer | string>, string[]]>([
  ['whole lines in one chunk', [bytes('{"a":1}\n{"b":2}\n')], ['{"a":1}', '{"b":2}']],
  ['a line over three chunks', [bytes('{"a"'), bytes(':'), bytes('1}\n')], ['{"a":1}']],
  ['a character cut between chunks', [maria.subarray(0, split), maria.subarray(split)], ['{"n":"María"}']],
  ['CRLF line ends', [bytes('{"a":1}\r\n{"b":2}\r\n')], ['{"a":1}', '{"b":2}']],
  ['a last line without a newline', [bytes('{"a":1}\n{"b":2}')], ['{"a":1}', '{"b":2}']],
  [
    'empty lines kept (their answer is INPUT_NOT_JSON)',
    [bytes('{"a":1}\n\n{"b":2}\n')],
    ['{"a":1}', '', '{"b":2}'],
  ],
  [
    'text chunks, as a stdin with an encoding gives them',
    ['{"n":"Zoë"}\n', '{"b"', ':2}\n'],
    ['{"n":"Zoë"}', '{"b":2}'],
  ],
  ['nothing', [], []],
])('%s', async (_title, chunks, expected) => {
  expect(await linesOf(chunks)).toEqual(expected);
});
