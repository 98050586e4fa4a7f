import { appendFileSync, existsSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/**
 * Rows that cannot go to Amazon as they are (invalid or rejected), as CSV: the row's own columns, then `row` (its
 * number in the input) and `reason`, so they can be fixed and uploaded again. Appended window by window.
 */
export class RejectsFile {
  private pending: string[][] = [];
  private headerWritten: boolean;

  /** `resuming`: the file of an earlier, interrupted run is kept and added to. */
  constructor(
    readonly path: string,
    resuming: boolean,
  ) {
    this.headerWritten = resuming && existsSync(path);
    if (!this.headerWritten) appendFileSync(path, '', { flag: 'w' });
  }

  add(header: readonly string[], record: Record<string, string>, row: number, reason: string): void {
    if (!this.headerWritten) {
      this.pending.push([...header, 'row', 'reason']);
      this.headerWritten = true;
    }
    this.pending.push([...header.map((c) => record[c] ?? ''), String(row), reason]);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.path, stringify(this.pending));
    this.pending = [];
  }
}
