import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { ThrottlerStorageRecord } from './fixed-window-storage';

/**
 * The fixed-window rules of FixedWindowStorage, run atomically inside Redis so that every
 * relay in a cluster counts against the same numbers. Returns hits, ms left in the window,
 * whether refused, and ms until the refusal ends.
 */
const INCREMENT_SCRIPT = `
local hitsKey = KEYS[1]
local blockKey = KEYS[2]
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockDuration = tonumber(ARGV[3])
local blockLeft = redis.call('PTTL', blockKey)
local hits = tonumber(redis.call('GET', hitsKey) or '0')
local left = redis.call('PTTL', hitsKey)
if blockLeft > 0 then
  if left < 0 then left = 0 end
  return {hits + 1, left, 1, blockLeft}
end
if left < 0 then
  hits = 0
  left = ttl
end
if hits < limit then
  hits = redis.call('INCR', hitsKey)
  if hits == 1 or redis.call('PTTL', hitsKey) < 0 then
    redis.call('PEXPIRE', hitsKey, ttl)
  end
  return {hits, left, 0, 0}
end
if blockDuration > 0 then
  redis.call('SET', blockKey, '1', 'PX', blockDuration)
  redis.call('DEL', hitsKey)
  return {hits + 1, left, 1, blockDuration}
end
return {hits + 1, left, 1, left}
`;

export class RedisWindowStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisWindowStorage.name);
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'intrabridge:rl:',
  ) {
    redis.defineCommand('ibRateLimit', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  /**
   * Counts a hit. If Redis cannot be reached the request is let through (a rate limiter
   * must not take the relay down with it) and a warning is logged at most once a minute.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}${throttlerName}:${key}`;
    try {
      const run = (
        this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
      ).ibRateLimit;
      const [hits, left, blocked, blockLeft] = (await run.call(
        this.redis,
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        blockDuration,
      )) as [number, number, number, number];
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(left / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? Math.max(1, Math.ceil(blockLeft / 1000)) : 0,
      };
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error }, 'rate-limit store unreachable; requests are not limited');
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
