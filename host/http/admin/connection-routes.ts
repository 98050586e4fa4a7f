import type { ServerResponse } from 'node:http';
import {
  PluginError,
  REGIONS,
  type ConnectionProfile,
  type RefreshCredentials,
  type Region,
} from '../../../plugin/index.js';
import { HttpError, sendJson, type Request } from '../http-kit.js';
import { installHttpError } from '../install-errors.js';
import type { AdminContext, AdminRoutes } from './admin-context.js';
import { BROWSER_COOKIE, browserBinding, STATE_TTL_S, type AmazonOAuthApp } from '../oauth-app.js';
import { cookie, setCookie } from '../cookies.js';

const CALLBACK = '/v1/admin/oauth/amazon/callback';

/**
 * "Connect with Amazon": start an authorization at Login with Amazon, take its answer on the callback (no
 * bearer: the state and the browser cookie the start set are the proof), keep the refresh token as a
 * connection, and list the profiles and DSP advertisers a connection sees, for the install dialog's pickers.
 * The `redirect_uri` is the host's public URL (`SIGNAL_PUBLIC_URL`), never what a request's Host header says.
 */
export const connectionRoutes: AdminRoutes = (router, ctx) => {
  router
    .on('POST', '/v1/admin/oauth/amazon/start', async (req, res) => {
      ctx.auth(req);
      const app = oauthApp(ctx);
      const body = await ctx.object(req);
      ctx.onlyFields(body, ['integration_id', 'region']);
      const region = signInRegion(body.region);
      // A reconnect names the integration whose credentials the new connection replaces.
      const integrationId =
        body.integration_id === undefined ? undefined : ctx.integration(String(body.integration_id)).id;
      const redirectUri = `${ctx.publicUrl()}${CALLBACK}`;
      samePageAsCallback(req, ctx.publicUrl());
      const browser = browserBinding(cookie(req.headers, BROWSER_COOKIE));
      const state = ctx.oauthStates.start({ redirectUri, region, integrationId, browser });
      const url = new URL(app.authorizeUrls[region]);
      url.search = new URLSearchParams({
        client_id: app.clientId,
        scope: 'advertising::campaign_management',
        response_type: 'code',
        redirect_uri: redirectUri,
        state,
      }).toString();
      // Lax: the cookie comes back on the top-level redirect from Amazon, and on nothing cross-site else.
      res.setHeader(
        'set-cookie',
        setCookie(BROWSER_COOKIE, browser, {
          path: '/v1/admin/oauth/amazon',
          sameSite: 'Lax',
          maxAgeS: STATE_TTL_S,
          secure: ctx.secureCookies(),
        }),
      );
      sendJson(res, 200, { authorize_url: url.toString(), state, region });
    })
    .on('GET', CALLBACK, async (req, res) => {
      const app = oauthApp(ctx);
      const started = ctx.oauthStates.take(req.query.get('state'), cookie(req.headers, BROWSER_COOKIE));
      if (!started)
        return page(
          res,
          400,
          `This sign-in is no longer valid (used, expired, not ours, or started in another browser). Open the page at ${ctx.publicUrl()}/ and start "Connect with Amazon" again there.`,
        );
      if (req.query.get('error'))
        return page(res, 400, 'Amazon was not connected: the sign-in was cancelled. Nothing was stored.');
      const code = req.query.get('code');
      if (!code) return page(res, 400, 'Amazon answered without an authorization code. Start again.');
      let refreshToken: string;
      let profiles: ConnectionProfile[];
      try {
        const issued = await ctx.destination.connect.exchange(app, code, started.redirectUri, started.region);
        refreshToken = issued.refreshToken;
        profiles = await ctx.destination.connect.profiles(credentials(app, refreshToken), issued.accessToken);
      } catch (error) {
        return page(
          res,
          502,
          `Amazon did not complete the connection: ${error instanceof PluginError ? error.message : 'unexpected error'}`,
        );
      }
      const connection = ctx.connections.add(app.clientId, refreshToken, profiles.length, ctx.iso());
      // Back to the page: the install dialog with its pickers, or the integration being reconnected.
      const location = started.integrationId
        ? `/#/integrations/installed/${started.integrationId}/reconnect/${connection.id}`
        : `/#/integrations/library/connect/${connection.id}`;
      res.writeHead(302, { location, 'content-length': 0 });
      res.end();
    })
    .on('GET', '/v1/admin/connections', (req, res) => {
      ctx.auth(req);
      sendJson(res, 200, { data: ctx.connections.list() });
    })
    .on('DELETE', '/v1/admin/connections/:id', (req, res) => {
      ctx.auth(req);
      const id = req.params.id!;
      if (!ctx.connections.get(id)) throw new HttpError(404, 'not_found', `No connection ${id}.`);
      const users = ctx.integrations
        .all()
        .filter((row) => ctx.integrations.installation(row).config.connection_id === id);
      if (users.length > 0)
        throw new HttpError(
          409,
          'connection_in_use',
          `Integrations use this connection: ${users.map((u) => u.name).join(', ')}. Reconnect or delete them first.`,
        );
      ctx.connections.delete(id);
      res.writeHead(204).end();
    })
    .on('GET', '/v1/admin/connections/:id/profiles', async (req, res) => {
      ctx.auth(req);
      const creds = connectionCredentials(ctx, req);
      sendJson(res, 200, { data: await amazonCall(() => ctx.destination.connect.profiles(creds)) });
    })
    .on('GET', '/v1/admin/connections/:id/advertisers', async (req, res) => {
      ctx.auth(req);
      const profileId = req.query.get('profile_id');
      if (!profileId)
        throw new HttpError(400, 'invalid_request', 'profile_id is required: pick a profile first.', [
          { field: 'profile_id', message: 'is required' },
        ]);
      const advertisers = await amazonCall(() =>
        ctx.destination.connect.advertisers(connectionCredentials(ctx, req), profileId),
      );
      if (!advertisers) throw new HttpError(404, 'not_found', `The connection sees no profile ${profileId}.`);
      sendJson(res, 200, { data: advertisers });
    });
};

/**
 * The region whose Login with Amazon page the user signs in on (`NA` when not given): a European or Far East
 * login has its own; 400 for anything else.
 */
function signInRegion(value: unknown): Region {
  if (value === undefined) return 'NA';
  if (typeof value === 'string' && (REGIONS as readonly string[]).includes(value)) return value as Region;
  throw new HttpError(400, 'invalid_request', `region must be one of ${REGIONS.join(', ')}.`, [
    { field: 'region', message: `must be one of ${REGIONS.join(', ')}` },
  ]);
}

function oauthApp(ctx: AdminContext): AmazonOAuthApp {
  if (!ctx.oauth)
    throw new HttpError(
      409,
      'not_configured',
      'Connect with Amazon is not set up: set AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET (the host’s Login with Amazon application).',
    );
  return ctx.oauth;
}

const credentials = (app: AmazonOAuthApp, refreshToken: string): RefreshCredentials => ({
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  refreshToken,
});

function connectionCredentials(ctx: AdminContext, req: Request): RefreshCredentials {
  const app = oauthApp(ctx);
  const token = ctx.connections.refreshToken(req.params.id!);
  if (!token) throw new HttpError(404, 'not_found', `No connection ${req.params.id}.`);
  return credentials(app, token);
}

/** A call to Amazon for the pickers; its plugin errors answered as install's are. */
async function amazonCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    throw installHttpError(error);
  }
}

/**
 * A page opened at another address than the public URL (127.0.0.1 for localhost, say) would lose its sign-in
 * cookie on the way back from Amazon: refused before the browser leaves, saying where to open the page.
 */
function samePageAsCallback(req: Request, publicUrl: string): void {
  const origin = req.headers.origin;
  if (origin === undefined || origin === new URL(publicUrl).origin) return;
  throw new HttpError(
    409,
    'wrong_origin',
    `Open the page at ${publicUrl}/ to connect with Amazon: Amazon sends the browser back there (SIGNAL_PUBLIC_URL).`,
  );
}

/** A page for the browser that came back from Amazon, in the web page's style (its stylesheet, no script). */
function page(res: ServerResponse, status: number, message: string): void {
  const text = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Connect with Amazon</title><link rel="stylesheet" href="/app.css"></head><body class="result-page"><header><h1>Datafly Signal <span class="subtle">reference host</span></h1></header><main class="card"><h2>Connect with Amazon</h2><p>${message.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p><p><a class="button primary" href="/#/integrations/library">Back to the Integration Library</a></p></main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
