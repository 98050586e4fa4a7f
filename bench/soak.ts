import { soak } from './soak-run.js';

/**
 * `npm run soak`: 100,000 events (`SOAK_EVENTS` to change) through the host under injected faults, with
 * access tokens that last 5 seconds (`SOAK_TOKEN_TTL`).
 */
const events = Number(process.env.SOAK_EVENTS ?? 100_000);
const tokenTtlSeconds = Number(process.env.SOAK_TOKEN_TTL ?? 5);
const result = await soak({ events, timeoutMs: 15 * 60_000, tokenTtlSeconds });
const { statuses, seconds, amazon_requests, token_requests, ...counts } = result;
console.log(
  `soak: ${events} events in ${seconds} s; ${amazon_requests} requests to Amazon, ${token_requests} token refreshes; answers ${JSON.stringify(statuses)}`,
);
console.log(
  `balance: accepted ${counts.accepted} = delivered ${counts.delivered} + rejected ${counts.rejected} + dead-lettered ${counts.dead_lettered} + filtered ${counts.filtered} + invalid ${counts.invalid} + lost ${counts.lost}`,
);
console.log(JSON.stringify(counts));
if (counts.lost !== 0 || counts.duplicates !== 0 || counts.missing_at_amazon !== 0) process.exitCode = 1;
