/**
 * SQLite failures that say the storage cannot take writes right now (disk full, read-only, I/O error,
 * contention) rather than that a request is wrong: answered 503 with Retry-After, and workers back off.
 */
const UNAVAILABLE = /^SQLITE_(?:FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED)/;

export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.test(code);
}

/** Seconds a client is asked to wait before it sends again, when the storage is unavailable. */
export const STORAGE_RETRY_AFTER_S = 5;
