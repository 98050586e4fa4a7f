import 'reflect-metadata';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { createDestination } from '../../plugin/di/container.js';
import type { Destination } from '../../plugin/destination.js';
import { regionHostsFromBase, type HostSettings } from '../../plugin/host-settings.js';
import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import type { Clock } from '../../plugin/clock.js';
import { captureLogger } from './capture-logger.js';
import type { DeliverySettings } from '../../plugin/deliver/delivery-settings.js';

export interface Harness {
  sandbox: Sandbox;
  destination: Destination;
  settings: HostSettings;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A real sandbox on loopback and a destination wired to it the way a host wires it. Region hosts are the
 * sandbox's `/na`, `/eu`, `/fe` prefixes, so region behaviour is real, and the sandbox runs its strict rules
 * (an advertiser sent to another region's host is refused) unless a test says otherwise.
 */
export async function startHarness(
  options: {
    sandbox?: SandboxOptions;
    settings?: Partial<HostSettings>;
    clock?: Clock;
    delivery?: Partial<DeliverySettings>;
  } = {},
): Promise<Harness> {
  // The strict rules: Amazon's stated ones, its tag's and the sandbox's inferences (region hosts among them).
  const sandbox = await startSandbox({ tagRules: true, ...options.sandbox });
  const settings: HostSettings = {
    regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
    lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
    platformClientId: DEMO_ACCOUNT.clientId,
    requestTimeoutMs: 2_000,
    ...options.settings,
  };
  const { logger, lines, secrets } = captureLogger();
  const destination = createDestination({
    hostSettings: settings,
    logger,
    secrets,
    clock: options.clock,
    delivery: options.delivery,
  });
  return { sandbox, destination, settings, logs: lines, close: () => sandbox.close() };
}

/** The seed's own install body, verbatim. */
export const SEED_INSTALL = {
  name: 'Amazon DSP Events',
  variant: 'default',
  config: { advertiser_id: 'ENTITY1234ABCD', profile_id: '1234567890', access_token: 'Atza|IwEBIA...' },
  delivery_mode: 'server_side',
} as const;
