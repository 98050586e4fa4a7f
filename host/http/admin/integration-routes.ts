import { MASK, SECRET_KEYS, type Installation } from '../../../plugin/index.js';
import { HttpError, limitParam, sendJson } from '../http-kit.js';
import { mergePatch } from '../merge-patch.js';
import { page } from '../presenters.js';
import type { AdminRoutes } from './admin-context.js';
import { install } from './install.js';
import { integrationName } from './integration-name.js';

/** Installed integrations: list, read, change (enable, rename, config as a merge patch, variant), remove. */
export const integrationRoutes: AdminRoutes = (router, ctx) => {
  router
    .on('GET', '/v1/admin/integrations', (req, res) => {
      ctx.auth(req);
      const limit = limitParam(req.query);
      const rows = ctx.integrations.list(ctx.cursorParam(req) ?? 0, limit + 1);
      const p = page(rows, limit, (r) => r.rowid);
      sendJson(res, 200, { ...p, data: p.data.map(ctx.present) });
    })
    .on('GET', '/v1/admin/integrations/:id', (req, res) => {
      ctx.auth(req);
      sendJson(res, 200, ctx.present(ctx.integration(req.params.id!)));
    })
    .on('PATCH', '/v1/admin/integrations/:id', async (req, res) => {
      ctx.auth(req);
      const row = ctx.integration(req.params.id!);
      const body = await ctx.object(req);
      ctx.onlyFields(body, ['enabled', 'name', 'config', 'variant']);
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
        throw new HttpError(400, 'invalid_request', 'enabled must be true or false.', [
          { field: 'enabled', message: 'must be a boolean' },
        ]);
      const name = body.name === undefined ? undefined : integrationName(body.name);
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
        // A merge patch keeps the stored tokens beside a connection_id: not the operator's mix, so resolved again.
        ctx.integrations.revise(
          row.id,
          await install(ctx, { name: row.name, variant, config }, false),
          ctx.iso(),
        );
        // New credentials or settings: what waits (for a reconnect, say) is tried again now.
        ctx.deliveries.dueNow(row.id, ctx.iso());
      }
      if (name !== undefined) ctx.integrations.setName(row.id, name, ctx.iso());
      if (typeof body.enabled === 'boolean') ctx.integrations.setEnabled(row.id, body.enabled, ctx.iso());
      sendJson(res, 200, ctx.present(ctx.integration(row.id)));
    })
    .on('DELETE', '/v1/admin/integrations/:id', (req, res) => {
      ctx.auth(req);
      ctx.integrations.delete(ctx.integration(req.params.id!).id, ctx.iso());
      res.writeHead(204).end();
    });
};

/** A config sent back with `***` for a secret keeps the stored secret (the API never shows it). */
function keepMaskedSecrets(config: unknown, stored: object): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const key of SECRET_KEYS)
    if (Object.hasOwn(out, key) && out[key] === MASK)
      out[key] = Object.hasOwn(stored, key) ? (stored as Record<string, unknown>)[key] : undefined;
  return out;
}
