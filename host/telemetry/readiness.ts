import type { Db } from '../store/database.js';
import { isStorageUnavailable } from '../store/storage-errors.js';

/** Why the host is not ready; the answer of `/readyz` lists them, nothing else. */
export type NotReadyReason = 'stopping' | 'storage_unavailable' | 'workers_not_running';

/**
 * How long a write check's answer is reused: /readyz answers without auth on the ingestion port, so a client
 * polling it in a loop takes the database's write lock at most once a second.
 */
export const WRITE_CHECK_EVERY_MS = 1_000;

/**
 * Whether the host can do its work now: the store takes writes, the delivery workers run, and the host is not
 * stopping. The store is checked with a committed write (one heartbeat row updated in place, at most once a
 * second: a read-only, immutable or failing database file fails it). A storage failure that a request or a
 * delivery worker met (a full disk fails only the writes that need room) keeps the host unready until a write
 * of theirs succeeds again: ingestion stores an event, or a paused delivery worker works again.
 */
export class Readiness {
  private stopping = false;
  private failed = false;
  private checked: { at: number; writable: boolean } | undefined;
  private readonly beat: (at: number) => void;

  constructor(
    db: Db,
    private readonly workersRunning: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    const write = db.prepare(
      'INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    );
    this.beat = (at) => void write.run(at);
  }

  /** The host began to stop: never ready again. */
  stop(): void {
    this.stopping = true;
  }

  /** A request or a delivery worker met a storage failure: unready until `storageWorked`. */
  storageFailed(): void {
    this.failed = true;
  }

  /** A write that needs the storage succeeded (ingestion stored events; a paused worker works again). */
  storageWorked(): void {
    this.failed = false;
    this.checked = undefined;
  }

  /** The reasons the host is not ready; empty when it is. */
  reasons(): NotReadyReason[] {
    const reasons: NotReadyReason[] = [];
    if (this.stopping) return ['stopping'];
    if (!this.storageWritable()) reasons.push('storage_unavailable');
    if (!this.workersRunning()) reasons.push('workers_not_running');
    return reasons;
  }

  /** Whether the store takes writes now, as /readyz says (the `signal_storage_writable` gauge). */
  storageWritable(): boolean {
    if (this.failed) return false;
    const now = this.now();
    if (this.checked && now - this.checked.at < WRITE_CHECK_EVERY_MS) return this.checked.writable;
    let writable = true;
    try {
      this.beat(now);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      writable = false;
    }
    this.checked = { at: now, writable };
    return writable;
  }
}
