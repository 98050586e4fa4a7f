import type { Db } from '../store/database.js';
import { isStorageUnavailable } from '../store/storage-errors.js';

/** Why the host is not ready; the answer of `/readyz` lists them, nothing else. */
export type NotReadyReason = 'stopping' | 'storage_unavailable' | 'workers_not_running';

/**
 * How long a write check's answer is reused: /readyz answers without auth on the ingestion port, so a client
 * polling it in a loop takes the database's write lock at most once a second.
 */
export const WRITE_CHECK_EVERY_MS = 1_000;

/** What the check writes while the host is unready after a storage failure: about a small ingest request. */
export const ROOM_PROBE_BYTES = 64 * 1024;

/**
 * Whether the host can do its work now: the store takes writes, the delivery workers run, and the host is not
 * stopping. The store is checked with a committed write (one heartbeat row updated in place, at most once a
 * second: a read-only, immutable or failing database file fails it). A storage failure met elsewhere keeps the
 * host unready until that writer works again (a full disk fails only the writes that need room):
 * - one a request met, until ingestion stores an event or the check itself succeeds, which while unready writes
 *   and frees `ROOM_PROBE_BYTES` in one commit, so that it needs room as a request does (an orchestrator that
 *   sends an unready host no traffic still sees it recover);
 * - one a delivery worker met, until that worker works again (it retries on its own, traffic or not).
 */
export class Readiness {
  private stopping = false;
  private requestFailed = false;
  private workerFailed = false;
  private checked: { at: number; writable: boolean } | undefined;
  private readonly beat: (at: number) => void;
  private readonly probeRoom: (at: number) => void;

  constructor(
    db: Db,
    private readonly workersRunning: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    const write = db.prepare(
      'INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    );
    this.beat = (at) => void write.run(at);
    const fill = db.prepare('UPDATE heartbeat SET room = zeroblob(?) WHERE id = 1');
    const free = db.prepare('UPDATE heartbeat SET room = NULL WHERE id = 1');
    this.probeRoom = db.transaction((at: number) => {
      write.run(at);
      fill.run(ROOM_PROBE_BYTES);
      free.run();
    });
  }

  /** The host began to stop: never ready again. */
  stop(): void {
    this.stopping = true;
  }

  /** A request met a storage failure: unready until `storageWorked` or a check that finds room. */
  storageFailed(): void {
    this.requestFailed = true;
    this.checked = undefined;
  }

  /** Ingestion stored events. */
  storageWorked(): void {
    this.requestFailed = false;
    this.checked = undefined;
  }

  /** A delivery worker's storage failed (`false`) or works again (`true`). */
  workerStorage(available: boolean): void {
    this.workerFailed = !available;
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
    if (this.workerFailed) return false;
    const now = this.now();
    if (this.checked && now - this.checked.at < WRITE_CHECK_EVERY_MS) return this.checked.writable;
    let writable = true;
    try {
      if (this.requestFailed) this.probeRoom(now);
      else this.beat(now);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      writable = false;
    }
    if (writable) this.requestFailed = false;
    this.checked = { at: now, writable };
    return writable;
  }
}
