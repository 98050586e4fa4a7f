import { inject, injectable, type DependencyContainer } from 'tsyringe';
import { TOKENS } from './tokens.js';
import type { Installation } from '../installation.js';
import type { Clock } from '../clock.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import { LwaClient, refreshCredentialsOf } from '../auth/lwa-client.js';
import { TokenProvider } from '../auth/token-provider.js';
import { AdvertiserLimiter } from '../deliver/advertiser-limiter.js';
import { Deliverer } from '../deliver/deliverer.js';
import type { DeliverySettings } from '../deliver/delivery-settings.js';

/** Installations whose scopes are kept; an evicted one is rebuilt on its next use (its token cache is lost). */
const MAX_SCOPES = 1_000;

/**
 * A child container per installation: its token provider (the token cache it can afford to lose) and its
 * deliverer; and one limiter per advertiser, shared by every installation that sends to that advertiser.
 */
@injectable()
export class InstallationScopes {
  private readonly scopes = new Map<string, DependencyContainer>();
  private readonly limiters = new Map<string, AdvertiserLimiter>();

  constructor(
    @inject(TOKENS.Container) private readonly container: DependencyContainer,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Secrets) private readonly secrets: SecretRegistry,
    @inject(TOKENS.DeliverySettings) private readonly delivery: DeliverySettings,
    @inject(LwaClient) private readonly lwa: LwaClient,
  ) {}

  /** The installation's deliverer, in the installation's own child container. */
  deliverer(installation: Installation): Deliverer {
    return this.scope(installation).resolve(Deliverer);
  }

  /** The installation's token provider (Login with Amazon requests made: `refreshCount`). */
  tokens(installation: Installation): TokenProvider {
    return this.scope(installation).resolve(TokenProvider);
  }

  private scope(installation: Installation): DependencyContainer {
    const existing = this.scopes.get(installation.id);
    if (existing) return existing;
    const { config } = installation;
    const refresh = refreshCredentialsOf(config);
    const child = this.container.createChildContainer();
    child.register(TOKENS.Installation, { useValue: installation });
    child.register(TokenProvider, {
      useValue: new TokenProvider(config.access_token, refresh, this.lwa, this.clock, this.secrets),
    });
    child.register(AdvertiserLimiter, { useValue: this.limiter(installation.advertiser.accountId) });
    child.registerSingleton(Deliverer);
    this.scopes.set(installation.id, child);
    // Every config change is a new installation: forget the oldest scopes rather than keep them all.
    if (this.scopes.size > MAX_SCOPES) this.scopes.delete(this.scopes.keys().next().value!);
    return child;
  }

  private limiter(accountId: string): AdvertiserLimiter {
    let limiter = this.limiters.get(accountId);
    if (!limiter) {
      limiter = new AdvertiserLimiter(this.delivery.concurrency, this.clock);
      this.limiters.set(accountId, limiter);
    }
    return limiter;
  }
}
