import type { ServerResponse } from 'node:http';
import {
  MANIFEST,
  CONFIG_SCHEMA,
  SECRET_KEYS,
  MASK,
  findVariant,
  type Destination,
  type Installation,
} from '../../plugin/index.js';
import type { IntegrationsRepo, IntegrationRow } from '../store/integrations-repo.js';
import type { DeliveriesRepo } from '../store/deliveries-repo.js';
import type { DeliveryLogRepo } from '../store/delivery-log-repo.js';
import type { LiveHub } from '../pipeline/live-hub.js';
import { liveEntry } from '../pipeline/live-view.js';
import { checkBearer, HttpError, limitParam, Router, sendJson, type Request } from './http-kit.js';
import { page, presentIntegration } from './presenters.js';
import { cursor } from '../ids.js';
import { mergePatch } from './merge-patch.js';
import { installHttpError } from './install-errors.js';

export interface AdminDeps {
  token: string;
  destination: Destination;
  integrations: IntegrationsRepo;
  deliveries: DeliveriesRepo;
  deliveryLog: DeliveryLogRepo;
  live: LiveHub;
  now: () => number;
}

/** The catalog entry as the Integration Library reads it: manifest.json plus the config schema it points at. */
function catalogEntry(): Record<string, unknown> {
  return { ...MANIFEST, config_schema: CONFIG_SCHEMA };
}

function cursorParam(req: Request): number | undefined {
  const value = cursor.decode(req.query.get('cursor'));
  if (Number.isNaN(value))
    throw new HttpError(400, 'invalid_request', 'cursor is not one this API gave out.', [
      { field: 'cursor', message: 'is invalid' },
    ]);
  return value;
}

/** The Management API on /v1/admin: catalog, install, integrations, delivery log, live events, dead letters. */
export function adminRouter(d: AdminDeps): Router {
  const iso = () => new Date(d.now()).toISOString();
  const auth = (req: Request, allowQuery = false) => checkBearer(req, d.token, allowQuery);
  const integration = (id: string): IntegrationRow => {
    const row = d.integrations.get(id);
    if (!row) throw new HttpError(404, 'not_found', `No integration ${id}.`);
    return row;
  };
  const present = (row: IntegrationRow) =>
    presentIntegration(row, d.integrations.revision(row.current_revision_id)!);
  const catalogKey = (req: Request): void => {
    if (req.params.key !== MANIFEST.key)
      throw new HttpError(404, 'not_found', `No catalog entry ${req.params.key}.`);
  };
  /** Installs (or installs again, for a new revision), with the plugin's errors as HTTP errors. */
  const install = async (request: Record<string, unknown>): Promise<Installation> => {
    if (typeof request.variant === 'string' && !findVariant(request.variant)) {
      throw new HttpError(
        404,
        'variant_not_found',
        `${MANIFEST.key} has no variant ${request.variant}; use one of ${MANIFEST.variants.map((v) => v.key).join(', ')}.`,
      );
    }
    try {
      return await d.destination.install(request);
    } catch (error) {
      throw installHttpError(error);
    }
  };
  const object = async (req: Request): Promise<Record<string, unknown>> => {
    const body = await req.body();
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(400, 'invalid_request', 'The body must be a JSON object.');
    return body as Record<string, unknown>;
  };

  return new Router()
    .on('GET', '/v1/admin/integration-catalog', (req, res) => {
      auth(req);
      sendJson(res, 200, { data: [catalogEntry()], next_cursor: null, has_more: false });
    })
    .on('GET', '/v1/admin/integration-catalog/:key', (req, res) => {
      auth(req);
      catalogKey(req);
      sendJson(res, 200, catalogEntry());
    })
    .on('POST', '/v1/admin/integration-catalog/:key/install', async (req, res) => {
      auth(req);
      catalogKey(req);
      const body = await object(req);
      const installation = await install(body);
      const name = typeof body.name === 'string' ? body.name : MANIFEST.name;
      const { integration: row } = d.integrations.create(name, installation.variant, installation, iso());
      sendJson(res, 201, present(row));
    })
    .on('GET', '/v1/admin/integrations', (req, res) => {
      auth(req);
      const limit = limitParam(req.query);
      const rows = d.integrations.list(cursorParam(req) ?? 0, limit + 1);
      const p = page(rows, limit, (r) => r.rowid);
      sendJson(res, 200, { ...p, data: p.data.map(present) });
    })
    .on('GET', '/v1/admin/integrations/:id', (req, res) => {
      auth(req);
      sendJson(res, 200, present(integration(req.params.id!)));
    })
    .on('PATCH', '/v1/admin/integrations/:id', async (req, res) => {
      auth(req);
      const row = integration(req.params.id!);
      const body = await object(req);
      const unknown = Object.keys(body).filter((k) => !['enabled', 'name', 'config', 'variant'].includes(k));
      if (unknown.length > 0)
        throw new HttpError(
          400,
          'invalid_request',
          `Unknown fields: ${unknown.join(', ')}.`,
          unknown.map((f) => ({ field: f, message: 'is not a known field' })),
        );
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
        throw new HttpError(400, 'invalid_request', 'enabled must be true or false.', [
          { field: 'enabled', message: 'must be a boolean' },
        ]);
      if (body.name !== undefined && (typeof body.name !== 'string' || !body.name.trim()))
        throw new HttpError(400, 'invalid_request', 'name must be a non-empty string.', [
          { field: 'name', message: 'must be a non-empty string' },
        ]);
      if (body.config !== undefined || body.variant !== undefined) {
        const current = JSON.parse(row.installation) as Installation;
        if (
          body.config !== undefined &&
          (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config))
        )
          throw new HttpError(
            400,
            'invalid_request',
            'config must be an object: the keys to change (null removes one).',
            [{ field: 'config', message: 'must be an object' }],
          );
        // A merge patch: keys not sent keep their value (secrets included), null removes an optional key.
        const config =
          body.config === undefined
            ? current.config
            : mergePatch(current.config, keepMaskedSecrets(body.config, current.config));
        const variant = body.variant ?? current.variant;
        d.integrations.revise(row.id, await install({ name: row.name, variant, config }), iso());
      }
      if (typeof body.name === 'string') d.integrations.setName(row.id, body.name.trim(), iso());
      if (typeof body.enabled === 'boolean') d.integrations.setEnabled(row.id, body.enabled, iso());
      sendJson(res, 200, present(integration(row.id)));
    })
    .on('DELETE', '/v1/admin/integrations/:id', (req, res) => {
      auth(req);
      d.integrations.delete(integration(req.params.id!).id, iso());
      res.writeHead(204).end();
    })
    .on('GET', '/v1/admin/integrations/:id/delivery-log', (req, res) => {
      auth(req);
      const row = integration(req.params.id!);
      const limit = limitParam(req.query);
      const statusParam = req.query.get('status');
      const status = statusParam === null ? undefined : Number(statusParam);
      if (status !== undefined && (!Number.isInteger(status) || status < 0 || status > 599)) {
        throw new HttpError(400, 'invalid_request', 'status must be an HTTP status (0 for no answer).', [
          { field: 'status', message: 'must be 0 to 599' },
        ]);
      }
      const rows = d.deliveryLog.page(row.id, cursorParam(req) ?? Number.MAX_SAFE_INTEGER, limit + 1, status);
      sendJson(
        res,
        200,
        page(rows, limit, (r) => r.id),
      );
    })
    .on('GET', '/v1/admin/live-events', (req, res) => {
      auth(req);
      const limit = limitParam(req.query);
      const rows = d.deliveries.recent(
        cursorParam(req) ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
        req.query.get('integration_id') ?? undefined,
      );
      const p = page(rows, limit, (r) => r.id);
      sendJson(res, 200, { ...p, data: p.data.map(liveEntry) });
    })
    .on('GET', '/v1/admin/live-events/stream', (req, res: ServerResponse) => {
      auth(req, true);
      d.live.attach(res);
    })
    .on('GET', '/v1/admin/integrations/:id/dead-letters', (req, res) => {
      auth(req);
      const row = integration(req.params.id!);
      const limit = limitParam(req.query);
      const rows = d.deliveries.deadLetters(row.id, cursorParam(req) ?? 0, limit + 1);
      const p = page(rows, limit, (r) => r.id);
      sendJson(res, 200, {
        ...p,
        data: p.data.map((r) => ({
          id: r.id,
          event_id: r.event_id,
          attempts: r.attempts,
          code: r.outcome_code,
          reason: r.outcome_message,
          updated_at: r.updated_at,
        })),
      });
    })
    .on('POST', '/v1/admin/integrations/:id/dead-letters/replay', async (req, res) => {
      auth(req);
      const row = integration(req.params.id!);
      const body = ((await req.body()) ?? {}) as { ids?: unknown };
      if (
        body.ids !== undefined &&
        !(Array.isArray(body.ids) && body.ids.every((i) => Number.isInteger(i)))
      ) {
        throw new HttpError(400, 'invalid_request', 'ids must be a list of dead letter ids.', [
          { field: 'ids', message: 'must be a list of integers' },
        ]);
      }
      const replayed = d.deliveries.replay(row.id, body.ids as number[] | undefined, iso());
      d.integrations.setNeedsReconnect(row.id, false);
      sendJson(res, 200, { replayed: replayed.length, ids: replayed });
    })
    .on('GET', '/v1/admin/stats', (req, res) => {
      auth(req);
      sendJson(res, 200, { events: d.deliveries.eventCount(), deliveries: d.deliveries.counts() });
    });
}

/** A config sent back with `***` for a secret keeps the stored secret (the API never shows it). */
function keepMaskedSecrets(config: unknown, stored: object): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const key of SECRET_KEYS) if (out[key] === MASK) out[key] = (stored as Record<string, unknown>)[key];
  return out;
}
