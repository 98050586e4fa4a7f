import type { Intake } from '../pipeline/intake.js';
import { checkBearer, Router, sendJson, type Request } from './http-kit.js';
import { eventsOf } from './canonical-event.js';
import type { ServerResponse } from 'node:http';

export const INGEST_BODY_LIMIT = 512 * 1024;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
};

/**
 * A browser that sends `Sec-GPC: 1` (Global Privacy Control) asks that the person's data not be sold or shared:
 * recorded on the event as `context.gpc`, where the plugin reads it, unless the event says otherwise itself.
 */
function recordGpc(event: Record<string, unknown>): void {
  const context = event.context;
  if (context === undefined) event.context = { gpc: true };
  else if (typeof context === 'object' && context !== null) (context as Record<string, unknown>).gpc ??= true;
}

/** The ingestion gateway: track, page and batch endpoints. An event is stored before the 200 answers. */
export function ingestRouter(
  pipelineKey: string,
  intake: Intake,
  now: () => number,
  onAccepted?: (events: number) => void,
): Router {
  const accept = (endpoint: 't' | 'p' | 'batch') => async (req: Request, res: ServerResponse) => {
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    checkBearer(req, pipelineKey);
    const events = eventsOf(await req.body(), endpoint, now());
    if (req.headers['sec-gpc'] === '1') for (const event of events) recordGpc(event);
    const ids = await intake.accept(events);
    onAccepted?.(ids.length);
    sendJson(res, 200, { accepted: ids.length, ids });
  };
  const preflight = (_req: Request, res: ServerResponse) => {
    res.writeHead(204, CORS).end();
  };
  return new Router()
    .on('POST', '/v1/t', accept('t'))
    .on('POST', '/v1/p', accept('p'))
    .on('POST', '/v1/batch', accept('batch'))
    .on('OPTIONS', '/v1/t', preflight)
    .on('OPTIONS', '/v1/p', preflight)
    .on('OPTIONS', '/v1/batch', preflight);
}
