/** Counts of a send run, by outcome. */
export interface SendCounts {
  delivered: number;
  rejected: number;
  filtered: number;
  invalid: number;
  retry: number;
}

export const emptyCounts = (): SendCounts => ({
  delivered: 0,
  rejected: 0,
  filtered: 0,
  invalid: 0,
  retry: 0,
});

export function total(c: SendCounts): number {
  return c.delivered + c.rejected + c.filtered + c.invalid + c.retry;
}

/** A one-line progress display with rate and counts, redrawn at most every 200 ms; silent when not a TTY. */
export class Progress {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  /** `fraction`: how much of the input is read (0–1), when known: adds a percentage and the time left. */
  update(counts: SendCounts, force = false, fraction?: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const elapsed = now - this.started;
    const eta =
      fraction !== undefined && fraction > 0
        ? ` · ${Math.round(fraction * 100)} % · ETA ${Math.ceil((elapsed * (1 - fraction)) / fraction / 1000)} s`
        : '';
    this.stream.write(`\r\x1b[2K${describe(counts, elapsed)}${eta}`);
  }

  done(counts: SendCounts): string {
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
    return `Summary: ${describe(counts, Date.now() - this.started)}`;
  }
}

function describe(c: SendCounts, elapsedMs: number): string {
  const n = total(c);
  const rate = elapsedMs > 0 ? Math.round((n * 1000) / elapsedMs) : 0;
  return `${n} events in ${(elapsedMs / 1000).toFixed(1)} s (${rate}/s): delivered ${c.delivered}, rejected ${c.rejected}, filtered ${c.filtered}, invalid ${c.invalid}, retry ${c.retry}`;
}
