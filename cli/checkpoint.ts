import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { parseOutsideJson, readOutsideText } from './outside-file.js';

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

  /**
   * The rows already done for this key; 0 without a checkpoint; an error text (one line, naming the file and
   * what to do) when it belongs to another run or is not a checkpoint at all (unreadable, not JSON, another
   * shape): it is never trusted to skip rows it does not describe.
   */
  rowsDone(key: CheckpointKey): number | string {
    if (!existsSync(this.path)) return 0;
    if (statSync(this.path).isDirectory())
      return `${this.path} is a directory, not a file: pass --checkpoint a file path, or remove it`;
    const saved = this.read();
    if (typeof saved === 'string')
      return `${saved}: pass --restart to start from the top (it is then replaced), or remove it`;
    const differs = (Object.keys(key) as Array<keyof CheckpointKey>).filter((k) => saved[k] !== key[k]);
    if (differs.length === 0) return saved.rows_done;
    return `${this.path} belongs to another run (${differs.join(', ')} differ): pass --restart to start from the top, or remove it`;
  }

  /** The checkpoint as saved, or why it is not one. */
  private read(): Checkpoint | string {
    const read = readOutsideText(this.path, MAX_CHECKPOINT_BYTES);
    if ('problem' in read) return read.problem;
    const parsed = parseOutsideJson(this.path, read.text);
    if ('problem' in parsed) return parsed.problem;
    const saved = parsed.json as Partial<Record<keyof Checkpoint, unknown>> | null;
    const shaped =
      typeof saved === 'object' &&
      saved !== null &&
      !Array.isArray(saved) &&
      Number.isSafeInteger(saved.rows_done) &&
      (saved.rows_done as number) >= 0 &&
      Number.isSafeInteger(saved.input_size) &&
      typeof saved.input_head_sha256 === 'string' &&
      typeof saved.mapping_sha256 === 'string' &&
      typeof saved.advertiser_id === 'string';
    return shaped
      ? (saved as Checkpoint)
      : `${this.path} is not a checkpoint of upload (a field is missing or of another type)`;
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

/** A checkpoint is a few hundred bytes. */
const MAX_CHECKPOINT_BYTES = 64 * 1024;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
