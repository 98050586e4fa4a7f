import type { ServerResponse } from 'node:http';

/**
 * What a stream may hold unsent before it is dropped: a client that does not read (or reads slower than events
 * come) would otherwise make the host buffer every frame for it, without end.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;

/**
 * Rows one change pushes at most (the newest): a change is written to the streams in one go, so it must stay
 * well below `MAX_UNSENT_BYTES` or a client that reads would be dropped with the ones that do not. Every row
 * is read with GET /v1/admin/live-events.
 */
export const LIVE_BURST_ROWS = 200;

/** The newest rows of a change, at most `LIVE_BURST_ROWS` of them. */
export const burst = (rowIds: readonly number[]): readonly number[] => rowIds.slice(-LIVE_BURST_ROWS);

/** Server-sent events to every open Live Events stream. */
export class LiveHub {
  private readonly clients = new Set<ServerResponse>();

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** Whether any stream is open: what is published for nobody need not be built. */
  get watched(): boolean {
    return this.clients.size > 0;
  }

  /** Open streams, and the bytes written to them that their clients have not taken yet. */
  streams(): { open: number; unsentBytes: number } {
    let unsentBytes = 0;
    for (const res of this.clients) unsentBytes += res.writableLength;
    return { open: this.clients.size, unsentBytes };
  }

  /** Writes the frame to every stream; a stream whose unsent bytes pass `MAX_UNSENT_BYTES` is closed. */
  publish(type: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) {
      res.write(frame);
      if (res.writableLength > MAX_UNSENT_BYTES) {
        // A browser's EventSource reconnects by itself; what it missed is in GET /v1/admin/live-events.
        this.clients.delete(res);
        res.destroy();
      }
    }
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
