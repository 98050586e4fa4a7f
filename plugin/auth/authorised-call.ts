import type { TokenProvider } from './token-provider.js';

/**
 * The plugin's one 401 → refresh → retry rule, for install's calls and delivery's alike: `call` runs with the
 * current token; when its answer is a 401 (`isUnauthorised`) and the token can be renewed, it runs once more
 * with the renewed token (single-flight: concurrent callers share one Login with Amazon request). Whatever the
 * second call answers is the answer. Login with Amazon refusing to renew throws `AuthError`; a refresh that
 * fails otherwise throws what it threw.
 */
export async function authorisedCall<T>(
  tokens: TokenProvider,
  call: (token: string) => Promise<T>,
  isUnauthorised: (answer: T) => boolean,
): Promise<T> {
  const token = await tokens.current();
  const answer = await call(token);
  if (!isUnauthorised(answer) || !tokens.canRefresh) return answer;
  return call(await tokens.rejected(token));
}
