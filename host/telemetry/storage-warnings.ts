import type { Logger } from '../../plugin/index.js';

/** At most one warning per this long, however many requests the storage refuses. */
export const STORAGE_WARN_EVERY_MS = 10_000;

/**
 * The log line on-call reads when requests are answered 503 `storage_unavailable`: one warning at the first,
 * then at most one every `STORAGE_WARN_EVERY_MS` with how many were refused since, by port. No request data.
 */
export class StorageWarnings {
  private lastAt: number | undefined;
  private readonly since = new Map<string, number>();

  constructor(
    private readonly logger: Logger | undefined,
    private readonly now: () => number,
  ) {}

  refused(port: 'ingest' | 'admin'): void {
    this.since.set(port, (this.since.get(port) ?? 0) + 1);
    const now = this.now();
    if (this.lastAt !== undefined && now - this.lastAt < STORAGE_WARN_EVERY_MS) return;
    this.lastAt = now;
    this.logger?.warn('storage unavailable: requests answered 503 storage_unavailable', {
      event: 'storage_unavailable',
      refused: Object.fromEntries(this.since),
    });
    this.since.clear();
  }
}
