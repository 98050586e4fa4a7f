import type { Db } from '../store/database.js';
import { isStorageUnavailable } from '../store/storage-errors.js';

/** Why the host is not ready; the answer of `/readyz` lists them, nothing else. */
export type NotReadyReason = 'stopping' | 'storage_unavailable' | 'workers_not_running';

/** How long a storage failure seen in a request keeps the host unready, unless a write succeeds sooner. */
export const STORAGE_FAILURE_HOLD_MS = 10_000;

/**
 * How long a write check's answer is reused: /readyz answers without auth on the ingestion port, so a client
 * polling it in a loop takes the database's write lock at most once a second.
 */
export const WRITE_CHECK_EVERY_MS = 1_000;

/** Ends the probe's transaction without keeping anything. */
class ProbeRollback extends Error {}

/**
 * Whether the host can do its work now: the store takes writes, the delivery workers run, and the host is not
 * stopping. The store is checked with a write that is rolled back, at most once a second (a read-only or
 * failing database fails it), and a storage failure a request met (a full disk fails only the writes that need
 * room) counts for `STORAGE_FAILURE_HOLD_MS` or until ingestion stores something again.
 */
export class Readiness {
  private stopping = false;
  private failedAt: number | undefined;
  private checked: { at: number; writable: boolean } | undefined;
  private readonly probe: () => void;

  constructor(
    db: Db,
    private readonly workersRunning: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    const write = db.prepare(
      "INSERT INTO events (id, received_at, payload) VALUES ('readiness-probe', '', '')",
    );
    const probe = db.transaction(() => {
      write.run();
      throw new ProbeRollback();
    });
    this.probe = () => {
      try {
        probe();
      } catch (error) {
        if (!(error instanceof ProbeRollback)) throw error;
      }
    };
  }

  /** The host began to stop: never ready again. */
  stop(): void {
    this.stopping = true;
  }

  storageFailed(): void {
    this.failedAt = this.now();
  }

  storageWorked(): void {
    this.failedAt = undefined;
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

  private storageWritable(): boolean {
    const now = this.now();
    if (this.failedAt !== undefined && now - this.failedAt < STORAGE_FAILURE_HOLD_MS) return false;
    if (this.checked && now - this.checked.at < WRITE_CHECK_EVERY_MS) return this.checked.writable;
    let writable = true;
    try {
      this.probe();
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      writable = false;
    }
    this.checked = { at: now, writable };
    return writable;
  }
}
