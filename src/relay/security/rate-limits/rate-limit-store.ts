import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { RelayConfig } from '../../relay.config';
import { FixedWindowStorage, type ThrottlerStorageRecord } from './fixed-window-storage';
import { RedisWindowStorage } from './redis-window-storage';

/**
 * Where rate-limit counters live: this process's memory, or Redis when REDIS_URL is set so a
 * cluster of relays shares one count per principal and address.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitStore.name);
  private readonly redis?: Redis;
  private readonly storage: ThrottlerStorage;
  readonly kind: 'memory' | 'redis';

  constructor(config: RelayConfig) {
    if (config.REDIS_URL) {
      this.redis = new Redis(config.REDIS_URL, {
        // Fail fast while Redis is away: the store lets requests through rather than queue them.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 5_000,
      });
      this.redis.on('error', (error: Error) =>
        this.logger.debug({ err: error }, 'rate-limit Redis connection error'),
      );
      this.storage = new RedisWindowStorage(this.redis);
      this.kind = 'redis';
    } else {
      this.storage = new FixedWindowStorage();
      this.kind = 'memory';
    }
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return this.storage.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
