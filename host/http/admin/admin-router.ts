import { Router } from '../http-kit.js';
import { adminContext, type AdminDeps, type AdminRoutes } from './admin-context.js';
import { catalogRoutes } from './catalog-routes.js';
import { integrationRoutes } from './integration-routes.js';
import { deliveryLogRoutes } from './delivery-log-routes.js';
import { liveEventRoutes } from './live-event-routes.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { statsRoutes } from './stats-routes.js';
import { matchQualityRoutes } from './match-quality-routes.js';
import { connectionRoutes } from './connection-routes.js';
import { sessionRoutes } from './session-routes.js';
import { deliveryFunnelRoutes } from './delivery-funnel-routes.js';
import { deliveryLogBucketRoutes } from './delivery-log-bucket-routes.js';
import { hostInfoRoutes } from './host-info-routes.js';

export type { AdminDeps } from './admin-context.js';

/** Each resource of the Management API, one file each; a new resource is one more file and one more row. */
const RESOURCES: readonly AdminRoutes[] = [
  catalogRoutes,
  integrationRoutes,
  deliveryLogRoutes,
  liveEventRoutes,
  deadLetterRoutes,
  statsRoutes,
  matchQualityRoutes,
  connectionRoutes,
  sessionRoutes,
  deliveryFunnelRoutes,
  deliveryLogBucketRoutes,
  hostInfoRoutes,
];

/** The Management API on /v1/admin. */
export function adminRouter(deps: AdminDeps): Router {
  const router = new Router();
  const ctx = adminContext(deps);
  for (const mount of RESOURCES) mount(router, ctx);
  return router;
}
