import type { ThrottlerStorage } from '@nestjs/throttler';

export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  /** Requests let through in this window. */
  hits: number;
  /** Epoch ms at which the count starts again. */
  resetAt: number;
  /** Epoch ms until which the key is refused after exceeding (0: no block period). */
  blockedUntil: number;
}

/** Enough keys for a large spread of addresses; beyond it the stalest are forgotten first. */
const DEFAULT_MAX_KEYS = 200_000;

/**
 * Rate-limit counters in this process: one fixed window per key, O(1) memory per key
 * (unlike a log of every hit), bounded in keys. A request over the limit is refused and not
 * counted. With a `blockDuration` the key is then refused for that long; without one it is
 * refused while its window's count is at the limit, judged against the limit of the moment,
 * so raising or lowering a limit applies to the very next request. The Redis store
 * implements the same rules, so both answer alike.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (window && window.blockedUntil > now) {
      this.touch(id, window);
      return record(window, now, true, window.blockedUntil);
    }
    if (!window || window.resetAt <= now || window.blockedUntil !== 0) {
      window = { hits: 0, resetAt: now + ttl, blockedUntil: 0 };
    }
    this.touch(id, window);
    if (window.hits < limit) {
      window.hits += 1;
      return record(window, now, false, 0);
    }
    if (blockDuration > 0) {
      window.blockedUntil = now + blockDuration;
      return record(window, now, true, window.blockedUntil);
    }
    return record(window, now, true, window.resetAt);
  }

  get size(): number {
    return this.windows.size;
  }

  /** Re-inserts so Map order is least-recently-used first, then trims to the bound. */
  private touch(id: string, window: Window): void {
    this.windows.delete(id);
    this.windows.set(id, window);
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
  }
}

function record(
  window: Window,
  now: number,
  isBlocked: boolean,
  refusedUntil: number,
): ThrottlerStorageRecord {
  return {
    totalHits: isBlocked ? window.hits + 1 : window.hits,
    timeToExpire: Math.max(0, Math.ceil((window.resetAt - now) / 1000)),
    isBlocked,
    timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((refusedUntil - now) / 1000)) : 0,
  };
}
