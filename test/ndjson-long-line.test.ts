import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import { MAX_LINE_BYTES, readLineBatches, type InputLine } from '../cli/ndjson.js';
import type { CliIo } from '../cli/io.js';
import { runCli } from './support/run-cli.js';
import { SEED_EVENT } from './support/transform-harness.js';
import { tempDirForFile } from './support/temp-dir.js';

const dir = tempDirForFile('amazon-dsp-long-line-');

/** The lines of raw bytes given in 256 KB chunks, as a file stream reads them. */
async function linesOf(bytes: Buffer, maxLineBytes?: number): Promise<InputLine[]> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 256 * 1024) chunks.push(bytes.subarray(at, at + 256 * 1024));
  const io: CliIo = {
    stdin: Readable.from(chunks, { objectMode: true }),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
  };
  const lines: InputLine[] = [];
  for await (const batch of readLineBatches(undefined, io, maxLineBytes)) lines.push(...batch);
  return lines;
}

/** A JSON line of `bytes` bytes (a string property of `a`s), newline included. */
const longLine = (bytes: number) => Buffer.from(`{"p":"${'a'.repeat(bytes - 9)}"}\n`);

/** The bytes `Buffer.concat` copied while `bytes` were read as lines, and how long the read took in ms. */
async function copiedWhileReading(bytes: Buffer): Promise<{ copied: number; ms: number }> {
  const concat = jest.spyOn(Buffer, 'concat');
  try {
    const start = performance.now();
    const [line] = await linesOf(bytes, bytes.length);
    const ms = performance.now() - start;
    expect(typeof line === 'string' && line.length).toBe(bytes.length - 1);
    const copied = concat.mock.results.reduce((sum, r) => sum + (r.value as Buffer).length, 0);
    return { copied, ms };
  } finally {
    concat.mockRestore();
  }
}

describe('one long NDJSON line', () => {
  // Counted, not timed: a count is the same on a busy machine. The old reader joined the carried start of the line
  // to each new chunk, copying 1 + 2 + … + 128 chunks' worth (over 2 GB for 32 MB); this one joins once.
  test.each([
    ['8 MB in 32 chunks', 8 * 1024 * 1024],
    ['32 MB in 128 chunks', 32 * 1024 * 1024],
  ])(
    'is read in linear time: a line of %s is copied once, not at every chunk',
    async (_label, size) => {
      const line = longLine(size);
      const { copied, ms } = await copiedWhileReading(line);
      expect(copied).toBe(line.length - 1);
      expect(ms).toBeLessThan(5_000); // the old reader: over 2 s for 32 MB on a quiet machine
    },
    30_000,
  );

  test.each<[string, Buffer, InputLine[]]>([
    ['a line at the cap is read', Buffer.from('{"a":1}\n12345678\n'), ['{"a":1}', '12345678']],
    [
      'a line over the cap is its number and size, and the next line is read',
      Buffer.from('{"a":1}\n123456789\n{"b":2}\n'),
      ['{"a":1}', { tooLong: { line: 2, bytes: 9, limit: 8 } }, '{"b":2}'],
    ],
    [
      'a last line over the cap, with no newline',
      Buffer.from('{"a":1}\n123456789'),
      ['{"a":1}', { tooLong: { line: 2, bytes: 9, limit: 8 } }],
    ],
  ])('%s', async (_title, bytes, expected) => {
    expect(await linesOf(bytes, 8)).toEqual(expected);
  });

  test('a line over the 1 MiB cap over many chunks is dropped as it comes, and named by its number', async () => {
    const big = longLine(MAX_LINE_BYTES + 300 * 1024);
    const lines = await linesOf(Buffer.concat([Buffer.from('{"a":1}\n'), big, Buffer.from('{"b":2}\n')]));
    expect(lines).toEqual([
      '{"a":1}',
      { tooLong: { line: 2, bytes: big.length - 1, limit: MAX_LINE_BYTES } },
      '{"b":2}',
    ]);
  });

  test('transform answers a 6 MB line invalid by its number, never its content, and reads on', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ advertiser_id: 'ENTITY1234ABCD', profile_id: '1234567890', access_token: 'Atza|x' }),
    );
    const file = join(dir, 'events.ndjson');
    const seed = JSON.stringify(SEED_EVENT);
    const huge = `{"event":"purchase","properties":{"secret":"${'z'.repeat(6 * 1024 * 1024)}"}}`;
    writeFileSync(file, `${seed}\n${huge}\n${seed}\n`);
    const result = await runCli(['transform', '--config', config, '--now', '2026-02-26T12:00:00Z', file]);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; error?: { code: string; message: string } });
    expect(out.map((l) => l.status)).toEqual(['ok', 'invalid', 'ok']);
    expect(out[1]!.error).toEqual({
      code: 'INPUT_LINE_TOO_LONG',
      message: `Line 2 has ${huge.length} bytes, over the ${MAX_LINE_BYTES} a line may have; it was skipped. Split the event or trim its properties.`,
    });
    expect(result.stdout).not.toContain('zzzz');
  }, 30_000);
});
