import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { runCli, sandboxEnv } from './support/run-cli.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * `upload` reads files others wrote: the mapping and the checkpoint. Each is written here raw (missing, a
 * directory, bytes that are not JSON, another shape, huge) and answered with one line that names the file and
 * what to do, exit 2, nothing sent: never a stack trace, and a checkpoint never trusted to skip rows.
 */
const dir = tempDirForFile('cli-outside-');
const CONFIG = join(PACKAGE_ROOT, 'examples/seed-config.json');
const MAPPING = join(PACKAGE_ROOT, 'examples/offline-mapping.json');
const EXAMPLE = readFileSync(join(PACKAGE_ROOT, 'examples/offline-sales.csv'), 'utf8');

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

const env = () => sandboxEnv(sandbox.url);
const upload = (...args: string[]) => runCli(['upload', '--config', CONFIG, ...args], env());
let n = 0;
/** A path of its own for each case, holding `bytes` (a directory for 'dir', nothing for undefined). */
function raw(name: string, bytes: string | Buffer | 'dir' | undefined): string {
  const path = join(dir, `${++n}-${name}`);
  if (bytes === 'dir') mkdirSync(path);
  else if (bytes !== undefined) writeFileSync(path, bytes);
  return path;
}
const HUGE_MAPPING = `{"event": "purchase", "columns": {}, "x": "${'A'.repeat(2 * 1024 * 1024)}"}`;
const FIX_MAPPING =
  'pass --mapping the JSON file that maps CSV columns to event paths (schemas/upload-mapping.schema.json)';

test.each<[string, string | Buffer | 'dir' | undefined, (path: string) => string]>([
  ['a path that does not exist', undefined, (p) => `mapping: ${p} does not exist: ${FIX_MAPPING}`],
  ['a directory', 'dir', (p) => `mapping: ${p} is a directory, not a file: ${FIX_MAPPING}`],
  [
    'truncated JSON',
    '{"event": "purchase", "columns": {"Email": "traits.em',
    (p) => `mapping: ${p} is not valid JSON: fix it (schemas/upload-mapping.schema.json)`,
  ],
  [
    'bytes that are not text',
    Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]),
    (p) => `mapping: ${p} is not valid JSON: fix it (schemas/upload-mapping.schema.json)`,
  ],
  [
    'an empty file',
    '',
    (p) => `mapping: ${p} is not valid JSON: fix it (schemas/upload-mapping.schema.json)`,
  ],
  [
    'a huge file (2 MB)',
    HUGE_MAPPING,
    (p) => `mapping: ${p} is ${Buffer.byteLength(HUGE_MAPPING)} bytes, more than 1048576: ${FIX_MAPPING}`,
  ],
  ['JSON that is not an object', '[1, 2, 3]', () => 'Invalid input:\n  mapping: must be an object\n'],
])('a mapping file that is %s: one line naming it, exit 2, nothing sent', async (_, bytes, message) => {
  const path = raw('mapping.json', bytes);
  const csv = raw('sales.csv', EXAMPLE);
  for (const extra of [[], ['--dry-run']]) {
    const r = await upload('--mapping', path, ...extra, csv);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(message(path).endsWith('\n') ? message(path) : `${message(path)}\n`);
  }
  expect(sandbox.accepted.size).toBe(0);
});

test('a mapping saved with a byte order mark (as Windows editors write it) is read', async () => {
  const path = raw('bom-mapping.json', `\uFEFF${readFileSync(MAPPING, 'utf8')}`);
  const r = await upload('--mapping', path, raw('sales.csv', EXAMPLE));
  expect(r.code).toBe(1); // the example's one broken row
  expect(sandbox.accepted.size).toBe(3);
});

const RESTART = 'pass --restart to start from the top (it is then replaced), or remove it';

test.each<[string, string | Buffer | 'dir', (path: string) => string]>([
  [
    'bytes that are not text',
    Buffer.from([0x00, 0xff, 0x13, 0x37]),
    (p) => `${p} is not valid JSON: ${RESTART}`,
  ],
  ['truncated JSON', '{"input_size": 12, "rows_done": 3', (p) => `${p} is not valid JSON: ${RESTART}`],
  [
    'rows done as text',
    JSON.stringify({
      input_size: 1,
      input_head_sha256: 'x',
      mapping_sha256: 'y',
      advertiser_id: 'z',
      rows_done: '3',
    }),
    (p) => `${p} is not a checkpoint of upload (a field is missing or of another type): ${RESTART}`,
  ],
  [
    'rows done negative',
    JSON.stringify({
      input_size: 1,
      input_head_sha256: 'x',
      mapping_sha256: 'y',
      advertiser_id: 'z',
      rows_done: -1,
    }),
    (p) => `${p} is not a checkpoint of upload (a field is missing or of another type): ${RESTART}`,
  ],
  [
    'JSON null',
    'null',
    (p) => `${p} is not a checkpoint of upload (a field is missing or of another type): ${RESTART}`,
  ],
  [
    'a huge file (1 MB)',
    'x'.repeat(1024 * 1024),
    (p) => `${p} is 1048576 bytes, more than 65536: ${RESTART}`,
  ],
])(
  'a checkpoint that is %s: one line naming it, exit 2, nothing sent; --restart sends all',
  async (_, bytes, message) => {
    const csv = raw('sales.csv', EXAMPLE);
    const checkpoint = raw('sales.checkpoint.json', bytes);
    const r = await upload('--mapping', MAPPING, '--checkpoint', checkpoint, csv);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `${message(checkpoint)}\n`]);
    expect(sandbox.accepted.size).toBe(0);
    if (bytes === 'dir') return;
    const restarted = await upload('--mapping', MAPPING, '--checkpoint', checkpoint, '--restart', csv);
    expect(restarted.code).toBe(1); // the example's one broken row
    expect(sandbox.accepted.size).toBe(3);
  },
);

test('a checkpoint path that is a directory: one line naming it, exit 2, nothing sent', async () => {
  const checkpoint = raw('checkpoint-dir', 'dir');
  const r = await upload('--mapping', MAPPING, '--checkpoint', checkpoint, raw('sales.csv', EXAMPLE));
  expect([r.code, r.stdout, r.stderr]).toEqual([
    2,
    '',
    `${checkpoint} is a directory, not a file: pass --checkpoint a file path, or remove it\n`,
  ]);
  expect(sandbox.accepted.size).toBe(0);
});

test('a CSV path that is a directory: a usage error, not a stack trace', async () => {
  const path = raw('csv-dir', 'dir');
  const r = await upload('--mapping', MAPPING, path);
  expect(r.code).toBe(64);
  expect(r.stderr.split('\n')[0]).toBe(`cannot read ${path}: it is not a file (a directory?)`);
});
