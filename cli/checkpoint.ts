import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';

/** What a checkpoint belongs to: the input (its size and first 64 KiB), the mapping and the advertiser. */
export interface CheckpointKey {
  input_size: number;
  input_head_sha256: string;
  mapping_sha256: string;
  advertiser_id: string;
}

export interface Checkpoint extends CheckpointKey {
  /** Data rows from the top whose outcome is final: a resumed run starts after them. */
  rows_done: number;
  updated_at: string;
}

export function checkpointKey(input: string, mapping: string, advertiserId: string): CheckpointKey {
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(input, 'r');
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  return {
    input_size: statSync(input).size,
    input_head_sha256: sha256(head.subarray(0, read)),
    mapping_sha256: sha256(mapping),
    advertiser_id: advertiserId,
  };
}

/**
 * The checkpoint file beside an input: read, written atomically (a temporary file renamed over it, so a kill at
 * any moment leaves the old or the new one), and removed when the run is complete.
 */
export class CheckpointFile {
  constructor(readonly path: string) {}

  /** The rows already done for this key; 0 without a checkpoint; an error text when it belongs to another run. */
  rowsDone(key: CheckpointKey): number | string {
    if (!existsSync(this.path)) return 0;
    const saved = JSON.parse(readFileSync(this.path, 'utf8')) as Checkpoint;
    const differs = (Object.keys(key) as Array<keyof CheckpointKey>).filter((k) => saved[k] !== key[k]);
    if (differs.length === 0) return saved.rows_done;
    return `${this.path} belongs to another run (${differs.join(', ')} differ): pass --restart to start from the top, or remove it`;
  }

  save(key: CheckpointKey, rowsDone: number): void {
    const checkpoint: Checkpoint = { ...key, rows_done: rowsDone, updated_at: new Date().toISOString() };
    writeFileSync(`${this.path}.tmp`, JSON.stringify(checkpoint));
    renameSync(`${this.path}.tmp`, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
