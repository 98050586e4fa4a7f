import type { Destination } from '../../../plugin/index.js';
import type { IntegrationsRepo, IntegrationRow } from '../../store/integrations-repo.js';
import type { DeliveriesRepo } from '../../store/deliveries-repo.js';
import type { DeliveryLogRepo } from '../../store/delivery-log-repo.js';
import type { MatchQualityRepo } from '../../store/match-quality-repo.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { AmazonOAuthApp, OAuthStates } from '../oauth-app.js';
import type { LiveHub } from '../../pipeline/live-hub.js';
import type { LiveEvents } from '../../pipeline/live-view.js';
import { checkBearer, HttpError, type Request, type Router } from '../http-kit.js';
import { AdminSessions, SESSION_COOKIE } from '../admin-sessions.js';
import { cookie } from '../cookies.js';
import { presentIntegration } from '../presenters.js';
import { cursor } from '../../ids.js';

/** What the Management API works with. */
export interface AdminDeps {
  token: string;
  destination: Destination;
  integrations: IntegrationsRepo;
  deliveries: DeliveriesRepo;
  deliveryLog: DeliveryLogRepo;
  matchQuality: MatchQualityRepo;
  connections: ConnectionsRepo;
  /** The host's Login with Amazon application; without it "Connect with Amazon" answers 409 not_configured. */
  oauth?: AmazonOAuthApp;
  oauthStates: OAuthStates;
  live: LiveHub;
  liveEvents: LiveEvents;
  now: () => number;
  /**
   * Where browsers reach the Management API (`SIGNAL_PUBLIC_URL`, default `http://localhost:<admin port>`):
   * the base of the Login with Amazon `redirect_uri`, never taken from a request's Host header.
   */
  publicUrl: () => string;
  /** The ingestion URL once it listens, for the page's examples. */
  ingestUrl?: () => string | undefined;
}

/** The helpers every resource's routes share: auth, the integration named in the path, paging, bodies. */
export interface AdminContext extends AdminDeps {
  /** The time now, as ISO text. */
  iso(): string;
  /**
   * Checks the admin bearer token; with `session`, an admin session cookie instead (the page's EventSource,
   * which cannot send headers). A token in the URL (`?token=`) is never accepted. 401 otherwise.
   */
  auth(req: Request, options?: { session?: boolean }): void;
  /** The admin sessions opened with the token (cookies `HttpOnly; SameSite=Strict; Path=/v1/admin`). */
  sessions: AdminSessions;
  /** Whether cookies the API sets need HTTPS (`publicUrl` is https). */
  secureCookies(): boolean;
  /** The integration of that id, or 404. */
  integration(id: string): IntegrationRow;
  /** The integration as the API shows it: current revision, secrets masked. */
  present(row: IntegrationRow): Record<string, unknown>;
  /** The `cursor` query parameter, or 400 when it is not one the API gave out. */
  cursorParam(req: Request): number | undefined;
  /** The body, which must be a JSON object; 400 otherwise. */
  object(req: Request): Promise<Record<string, unknown>>;
  /** 400 listing every key of `body` that is not in `known`. */
  onlyFields(body: object, known: readonly string[]): void;
}

/** Mounts one resource's routes. */
export type AdminRoutes = (router: Router, ctx: AdminContext) => void;

export function adminContext(d: AdminDeps): AdminContext {
  const sessions = new AdminSessions(d.now);
  return {
    ...d,
    sessions,
    secureCookies: () => d.publicUrl().startsWith('https:'),
    iso: () => new Date(d.now()).toISOString(),
    auth(req, options = {}) {
      if (req.query.has('token'))
        throw new HttpError(
          401,
          'unauthorized',
          'A token in the URL is not accepted: send Authorization: Bearer <token>, or open a session with POST /v1/admin/session.',
        );
      if (options.session && req.headers.authorization === undefined) {
        if (sessions.valid(cookie(req.headers, SESSION_COOKIE))) return;
        throw new HttpError(
          401,
          'unauthorized',
          'Send Authorization: Bearer <token>, or open a session first with POST /v1/admin/session.',
        );
      }
      checkBearer(req, d.token);
    },
    integration(id) {
      const row = d.integrations.get(id);
      if (!row) throw new HttpError(404, 'not_found', `No integration ${id}.`);
      return row;
    },
    present: (row) =>
      presentIntegration(
        row,
        d.integrations.revision(row.current_revision_id)!,
        d.destination.tokenHealth(d.integrations.installation(row)),
      ),
    cursorParam(req) {
      const value = cursor.decode(req.query.get('cursor'));
      if (Number.isNaN(value))
        throw new HttpError(400, 'invalid_request', 'cursor is not one this API gave out.', [
          { field: 'cursor', message: 'is invalid' },
        ]);
      return value;
    },
    async object(req) {
      const body = await req.body();
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new HttpError(400, 'invalid_request', 'The body must be a JSON object.');
      return body as Record<string, unknown>;
    },
    onlyFields(body, known) {
      const unknown = Object.keys(body).filter((k) => !known.includes(k));
      if (unknown.length > 0)
        throw new HttpError(
          400,
          'invalid_request',
          `Unknown fields: ${unknown.join(', ')}.`,
          unknown.map((field) => ({ field, message: 'is not a known field' })),
        );
    },
  };
}
