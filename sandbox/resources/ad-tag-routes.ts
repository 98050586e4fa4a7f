import { safeJson, sendJson } from '../http-util.js';
import { adTagConversion } from '../ad-tag.js';
import type { SandboxRoutes } from '../sandbox-context.js';

/**
 * The Amazon Ad Tag, played: `POST /__sandbox/adtag` records a conversion the tag saw in the browser
 * (`{"account_id", "name", "eventId", "timestamp"}`) into the same attribution ledger as the Events API's
 * events; `GET /__sandbox/state` reports the ledger as `attribution` (../ad-tag.ts has Amazon's rule).
 */
export const adTagRoutes: SandboxRoutes = (add) => {
  add({
    method: 'POST',
    path: '/__sandbox/adtag',
    kind: 'control',
    handle: (call, ctx) => {
      const { record, errors } = adTagConversion(safeJson(call.body.text));
      if (!record) return sendJson(call.res, 400, { code: 'BAD_REQUEST', message: errors.join('; ') });
      ctx.acceptedEvents.attribution.record(record);
      sendJson(call.res, 200, { attribution: ctx.acceptedEvents.attribution.state() });
    },
  });
};
