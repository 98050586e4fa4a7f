import { inject, injectable } from 'tsyringe';
import { TOKENS } from './tokens.js';
import type { Installation } from '../installation.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { TokenProviders } from '../auth/token-providers.js';
import { AdvertiserLimiter } from '../deliver/advertiser-limiter.js';
import type { Deliverer } from '../deliver/deliverer.js';
import type { DeliverySettings } from '../deliver/delivery-settings.js';

/** Installations whose scopes are kept; an evicted one is rebuilt on its next use (its token cache is lost). */
const MAX_SCOPES = 1_000;

/** Builds an installation's deliverer around its token provider and its advertiser's limiter (container.ts). */
export type DelivererFactory = (
  installation: Installation,
  tokens: TokenProvider,
  limiter: AdvertiserLimiter,
) => Deliverer;

/**
 * What lives as long as an installation: its token provider (the token cache it can afford to lose) and its
 * deliverer; and one limiter per advertiser, shared by every installation that sends to that advertiser.
 */
@injectable()
export class InstallationScopes {
  private readonly scopes = new Map<string, { tokens: TokenProvider; deliverer: Deliverer }>();
  private readonly limiters = new Map<string, AdvertiserLimiter>();

  constructor(
    @inject(TOKENS.DelivererFactory) private readonly newDeliverer: DelivererFactory,
    @inject(TokenProviders) private readonly tokenProviders: TokenProviders,
    @inject(TOKENS.DeliverySettings) private readonly delivery: DeliverySettings,
  ) {}

  /** The installation's deliverer. */
  deliverer(installation: Installation): Deliverer {
    return this.scope(installation).deliverer;
  }

  /** The installation's token provider (Login with Amazon requests made: `refreshCount`). */
  tokens(installation: Installation): TokenProvider {
    return this.scope(installation).tokens;
  }

  private scope(installation: Installation): { tokens: TokenProvider; deliverer: Deliverer } {
    const existing = this.scopes.get(installation.id);
    if (existing) return existing;
    const tokens = this.tokenProviders.forDelivery(installation.config);
    const limiter = this.limiter(installation.advertiser.accountId);
    const scope = { tokens, deliverer: this.newDeliverer(installation, tokens, limiter) };
    this.scopes.set(installation.id, scope);
    // Every config change is a new installation: forget the oldest scopes rather than keep them all.
    if (this.scopes.size > MAX_SCOPES) this.scopes.delete(this.scopes.keys().next().value!);
    return scope;
  }

  private limiter(accountId: string): AdvertiserLimiter {
    let limiter = this.limiters.get(accountId);
    if (!limiter) {
      limiter = new AdvertiserLimiter(this.delivery.concurrency);
      this.limiters.set(accountId, limiter);
    }
    return limiter;
  }
}
