import type { ServerResponse } from 'node:http';

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

  publish(type: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
