import { CONFIG_SCHEMA, MANIFEST } from '../../../plugin/index.js';
import { HttpError, sendJson, type Request } from '../http-kit.js';
import type { AdminRoutes } from './admin-context.js';
import { install } from './install.js';
import { integrationName } from './integration-name.js';

/** The catalog entry as the Integration Library reads it: manifest.json plus the config schema it points at. */
function catalogEntry(): Record<string, unknown> {
  return { ...MANIFEST, config_schema: CONFIG_SCHEMA };
}

function catalogKey(req: Request): void {
  if (req.params.key !== MANIFEST.key)
    throw new HttpError(404, 'not_found', `No catalog entry ${req.params.key}.`);
}

/** The Integration Library: the catalog, and installing from it. */
export const catalogRoutes: AdminRoutes = (router, ctx) => {
  router
    .on('GET', '/v1/admin/integration-catalog', (req, res) => {
      ctx.auth(req);
      sendJson(res, 200, { data: [catalogEntry()], next_cursor: null, has_more: false });
    })
    .on('GET', '/v1/admin/integration-catalog/:key', (req, res) => {
      ctx.auth(req);
      catalogKey(req);
      sendJson(res, 200, catalogEntry());
    })
    .on('POST', '/v1/admin/integration-catalog/:key/install', async (req, res) => {
      ctx.auth(req);
      catalogKey(req);
      const body = await ctx.object(req);
      const name = integrationName(body.name);
      const installation = await install(ctx, body);
      const { integration: row } = ctx.integrations.create(
        name,
        installation.variant,
        installation,
        ctx.iso(),
      );
      sendJson(res, 201, ctx.present(row));
    });
};
