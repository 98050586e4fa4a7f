import type { MatchQualityRepo } from '../store/match-quality-repo.js';
import type { RawEventsRepo } from '../store/raw-events-repo.js';
import type { WalScrub } from '../store/wal-scrub.js';

const HOUR_MS = 3_600_000;

/** Default: raw events are kept a week after their last final outcome, for troubleshooting in Live Events. */
export const DEFAULT_RAW_RETENTION_MS = 7 * 24 * HOUR_MS;

/** `7d`, `12h`, `30m`, `45s` or `0` → milliseconds; undefined for anything else. */
export function parseRetention(text: string | undefined): number | undefined {
  const m = /^(\d+)([smhd]?)$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  const unit = { '': 1000, s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS }[
    m[2] as '' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

/**
 * How long the host keeps raw events (personal data as received) once every delivery of them is final:
 * `retentionMs` after the last outcome, swept at start and every hour; with 0, as soon as they are final.
 * Then the payload goes, the kept Amazon events lose their raw identifiers (raw-events-repo.ts) and the
 * write-ahead log is cleared, so none of it can be read back from the files. The same sweep drops match
 * quality counters older than their 90 days, and remembered click tokens past their time
 * (`SIGNAL_CLICK_TOKEN_TTL`; in Redis, Redis expires them itself).
 */
export class RawRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rawEvents: RawEventsRepo,
    private readonly walScrub: WalScrub,
    private readonly matchQuality: MatchQualityRepo,
    private readonly retentionMs: number,
    private readonly now: () => number,
    private readonly clickTokens?: { purgeExpired(): number },
  ) {}

  start(): void {
    this.sweep();
    this.timer = setInterval(() => this.sweep(), HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Ends the retention of every raw event that is due and deletes expired click tokens (and counters past
   * their days); how many of each.
   */
  sweep(): { payloads: number; clickTokens: number } {
    this.matchQuality.purge(this.now());
    const clickTokens = this.clickTokens?.purgeExpired() ?? 0;
    const payloads = this.purge(
      new Date(this.now() - this.retentionMs).toISOString(),
      undefined,
      clickTokens,
    );
    return { payloads, clickTokens };
  }

  /** Some events' deliveries changed: with a retention of 0, their raw events go as soon as all are final. */
  changed(eventIds: readonly string[]): void {
    if (this.retentionMs === 0) this.purge(new Date(this.now()).toISOString(), eventIds);
  }

  /** Raw events due by `cutoff` ended, then the WAL cleared when they or `alsoDeleted` other rows went. */
  private purge(cutoff: string, eventIds?: readonly string[], alsoDeleted = 0): number {
    const purged = this.rawEvents.purge(cutoff, eventIds);
    if (purged + alsoDeleted > 0) this.walScrub.scrub();
    return purged;
  }
}
