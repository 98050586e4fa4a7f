import type { RedisConnection } from './redis-connection.js';
import { LocalPace, PACE_RULE, type PaceOutcome, type RequestPace } from './request-pace.js';

/** State fields in the order of request-pace.ts's `PaceState`. */
const FIELDS = `local f = {'rate', 'tat', 'pausedUntil', 'cutAt', 'windowStart', 'windowCount', 'previousCount', 'usedAt'}
local v = redis.call('HMGET', KEYS[1], unpack(f))
local s = {}
for i, name in ipairs(f) do s[name] = tonumber(v[i]) or 0 end
local now = tonumber(ARGV[1])
if now - s.usedAt > ${PACE_RULE.idleMs} then
  for _, name in ipairs(f) do s[name] = 0 end
end
s.usedAt = now
local function save()
  local flat = {}
  for _, name in ipairs(f) do table.insert(flat, name); table.insert(flat, string.format('%.17g', s[name])) end
  redis.call('HSET', KEYS[1], unpack(flat))
  redis.call('PEXPIRE', KEYS[1], ${PACE_RULE.idleMs})
end
`;

/** `paceTake` in Lua: ARGV now. */
const TAKE = `${FIELDS}
local at = s.pausedUntil
if s.rate > 0 and s.tat > at then at = s.tat end
if at > now then save(); return math.ceil(at - now) end
if s.rate > 0 then s.tat = now + 1000 / s.rate end
save()
return 0`;

/** `paceReport` in Lua: ARGV now, outcome, retryAfterMs. */
const REPORT = `${FIELDS}
local outcome = ARGV[2]
if outcome == 'other' then save(); return 0 end
if now - s.windowStart >= 2000 then
  s.previousCount = 0; s.windowCount = 0; s.windowStart = now
elseif now - s.windowStart >= 1000 then
  s.previousCount = s.windowCount; s.windowCount = 0; s.windowStart = s.windowStart + 1000
end
if outcome == 'accepted' then
  s.windowCount = s.windowCount + 1
  if s.rate > 0 then s.rate = math.min(${PACE_RULE.maxRate}, s.rate + 1 / s.rate) end
  save()
  return 0
end
s.pausedUntil = math.max(s.pausedUntil, now + tonumber(ARGV[3]))
if now >= s.cutAt + ${PACE_RULE.cutSpacingMs} then
  local accepted = s.previousCount * (1 - (now - s.windowStart) / 1000) + s.windowCount
  local base = accepted
  if s.rate > 0 then base = s.rate end
  s.rate = math.min(${PACE_RULE.maxRate}, math.max(${PACE_RULE.minRate}, base * ${PACE_RULE.cut}))
  s.cutAt = now
end
save()
return 0`;

/**
 * The pace shared through Redis: one hash per advertiser (`amazon-dsp:pace:<account id>`), read and changed by
 * one Lua script per call, so every process sees every 429 and every slot taken. Time is the caller's clock
 * (machines that share Redis keep theirs in step, as NTP does). When Redis cannot be reached, this process
 * paces alone (`LocalPace`) until it is back.
 */
export class RedisPace implements RequestPace {
  private readonly local: LocalPace;

  constructor(
    private readonly connection: RedisConnection,
    private readonly now: () => number = Date.now,
  ) {
    this.local = new LocalPace(now);
    connection.define('paceTake', TAKE);
    connection.define('paceReport', REPORT);
  }

  async take(advertiser: string): Promise<number> {
    const wait = await this.connection.call(
      (r) => (r as unknown as Scripts).paceTake(key(advertiser), this.now()),
      () => this.local.take(advertiser),
    );
    return paceWaitFrom(wait);
  }

  async report(advertiser: string, outcome: PaceOutcome, retryAfterMs = 0): Promise<void> {
    await this.connection.call<unknown>(
      (r) => (r as unknown as Scripts).paceReport(key(advertiser), this.now(), outcome, retryAfterMs),
      () => this.local.report(advertiser, outcome, retryAfterMs),
    );
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}

interface Scripts {
  paceTake(key: string, now: number): Promise<number>;
  paceReport(key: string, now: number, outcome: PaceOutcome, retryAfterMs: number): Promise<number>;
}

/**
 * The one place a wait Redis answers is read: a whole number of ms from 0 to the life of a pace state (a state
 * in Redis holding a pause beyond that, or no number at all, cannot hold delivery back longer or forever).
 */
export function paceWaitFrom(reply: unknown): number {
  const wait = typeof reply === 'number' || typeof reply === 'string' ? Number(reply) : NaN;
  if (!Number.isFinite(wait) || wait <= 0) return 0;
  return Math.min(Math.ceil(wait), PACE_RULE.idleMs);
}

function key(advertiser: string): string {
  return `amazon-dsp:pace:${advertiser}`;
}
