import type { SandboxRegion } from './accounts.js';
import type { SandboxRoute, SandboxRoutes } from './sandbox-context.js';
import { tokenRoutes } from './resources/token-routes.js';
import { authorizeRoutes } from './resources/authorize-routes.js';
import { profileRoutes } from './resources/profile-routes.js';
import { advertiserAccountRoutes } from './resources/advertiser-account-routes.js';
import { eventRoutes } from './resources/event-routes.js';
import { controlRoutes } from './resources/control-routes.js';
import { adTagRoutes } from './resources/ad-tag-routes.js';

/** Each resource of the sandbox, one file each; a new resource is one more file and one more row. */
const RESOURCES: readonly SandboxRoutes[] = [
  tokenRoutes,
  authorizeRoutes,
  profileRoutes,
  advertiserAccountRoutes,
  eventRoutes,
  controlRoutes,
  adTagRoutes,
];

const REGION_PREFIX = /^\/(na|eu|fe)(\/.*)$/;

/** Where a request goes: its route (if any), the region host it came to and the path under it. */
export interface Routed {
  route: SandboxRoute | undefined;
  region: SandboxRegion | undefined;
  path: string;
}

/**
 * The sandbox's routes by method and path. Region hosts are path prefixes (`/na`, `/eu`, `/fe`) before an API
 * or page path; controls live at `/__sandbox/…` without one.
 */
export class SandboxRouter {
  private readonly routes = new Map<string, SandboxRoute>();

  constructor() {
    for (const mount of RESOURCES)
      mount((route) => {
        const key = `${route.method} ${route.path}`;
        if (this.routes.has(key)) throw new Error(`Two sandbox routes for ${key}`);
        this.routes.set(key, route);
      });
  }

  find(method: string, pathname: string): Routed {
    const control = this.routes.get(`${method} ${pathname}`);
    if (control?.kind === 'control') return { route: control, region: undefined, path: pathname };
    const m = REGION_PREFIX.exec(pathname);
    const region = m ? (m[1]!.toUpperCase() as SandboxRegion) : undefined;
    const path = m ? m[2]! : pathname;
    const route = this.routes.get(`${method} ${path}`);
    return { route: route?.kind === 'control' ? undefined : route, region, path };
  }
}
