import { findVariant, MANIFEST, type Installation } from '../../../plugin/index.js';
import { HttpError } from '../http-kit.js';
import { installHttpError } from '../install-errors.js';
import type { AdminContext } from './admin-context.js';

/** Runs the plugin's install (for a new integration or a new revision), its errors as HTTP errors. */
export async function install(
  ctx: AdminContext,
  request: Record<string, unknown>,
  operatorInput = true,
): Promise<Installation> {
  if (typeof request.variant === 'string' && !findVariant(request.variant)) {
    throw new HttpError(
      404,
      'variant_not_found',
      `${MANIFEST.key} has no variant ${request.variant}; use one of ${MANIFEST.variants.map((v) => v.key).join(', ')}.`,
    );
  }
  const resolved = await withConnection(ctx, request, operatorInput);
  try {
    return await ctx.destination.install(resolved);
  } catch (error) {
    throw installHttpError(error);
  }
}

const TOKEN_KEYS = ['access_token', 'client_id', 'client_secret', 'refresh_token', 'api_token'] as const;

/**
 * A config with `connection_id` (Connect with Amazon) gets the connection's credentials and a fresh access token
 * before the plugin installs it; the connection id stays, so a reconnect can renew them. The operator uses one
 * way or the other: tokens and a connection in the same request are refused (`operatorInput`; a stored config
 * that a merge patch changes holds both, and is resolved from its connection again).
 */
async function withConnection(
  ctx: AdminContext,
  request: Record<string, unknown>,
  operatorInput: boolean,
): Promise<Record<string, unknown>> {
  const config = request.config as Record<string, unknown> | undefined;
  const id = config?.connection_id;
  if (typeof id !== 'string') return request;
  const mixed = TOKEN_KEYS.filter((k) => config![k] !== undefined);
  if (operatorInput && mixed.length > 0)
    throw new HttpError(400, 'invalid_request', 'Use either connection_id or tokens, not both.', [
      { field: 'config.connection_id', message: `cannot be sent with ${mixed.join(', ')}` },
    ]);
  const refreshToken = ctx.connections.refreshToken(id);
  if (!refreshToken)
    throw new HttpError(400, 'invalid_request', `No connection ${id}: connect with Amazon again.`, [
      { field: 'config.connection_id', message: 'is not a connection of this host' },
    ]);
  if (!ctx.oauth)
    throw new HttpError(409, 'not_configured', 'Connect with Amazon is not set up on this host.');
  const credentials = { clientId: ctx.oauth.clientId, clientSecret: ctx.oauth.clientSecret, refreshToken };
  let accessToken: string;
  try {
    accessToken = await ctx.destination.connect.accessToken(credentials);
  } catch (error) {
    throw installHttpError(error);
  }
  const tokens = {
    access_token: accessToken,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: refreshToken,
  };
  return { ...request, config: { ...config, ...tokens } };
}
