/**
 * Where the host keeps the newest click token of each visitor, keyed by a hash of the visitor id (neither
 * store holds the `anonymousId` itself). The newest token the host was given wins; each expires `ttlMs`
 * after it was given.
 */
export interface ClickTokenStore {
  /** Keeps each visitor's token until `now + ttlMs`, over any token it had. */
  remember(tokens: ReadonlyMap<string, string>, now: number, ttlMs: number): Promise<void>;
  /** The unexpired token of each visitor that has one. */
  recall(visitors: readonly string[], now: number): Promise<Map<string, string>>;
  /** Deletes the tokens expired by `now`; how many (a store that expires them itself answers 0). */
  purgeExpired(now: number): number;
  close(): Promise<void>;
}
