import Redis from 'ioredis';
import { RedisWindowStorage } from '../../src/relay/security/rate-limits/redis-window-storage';
import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, IDENTITY_ENV, loginAs } from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

/** Needs a Redis server: TEST_REDIS_URL=redis://127.0.0.1:6379 (skipped without one). */
const redisUrl = process.env.TEST_REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('rate limits in Redis', () => {
  let redis: Redis;
  const prefix = `intrabridge-test:${process.pid}:${Date.now()}:`;

  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('follows the same fixed-window rules as the in-memory store', async () => {
    const store = new RedisWindowStorage(redis, prefix);
    for (let hit = 1; hit <= 3; hit++) {
      expect(await store.increment('k', 5_000, 3, 0, 'p')).toMatchObject({
        totalHits: hit,
        isBlocked: false,
      });
    }
    const refused = await store.increment('k', 5_000, 3, 0, 'p');
    expect(refused.isBlocked).toBe(true);
    expect(refused.timeToBlockExpire).toBeGreaterThanOrEqual(1);
    expect(refused.timeToBlockExpire).toBeLessThanOrEqual(5);
    // A raised limit applies at once.
    expect((await store.increment('k', 5_000, 10, 0, 'p')).isBlocked).toBe(false);
    // With a block period the key stays refused for it.
    await store.increment('b', 5_000, 1, 0, 'p');
    expect(await store.increment('b', 5_000, 1, 30_000, 'p')).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 30,
    });
    expect((await store.increment('b', 5_000, 100, 30_000, 'p')).isBlocked).toBe(true);
  });

  it('lets requests through when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const store = new RedisWindowStorage(dead, prefix);
    expect((await store.increment('k', 1_000, 1, 0, 'p')).isBlocked).toBe(false);
    dead.disconnect();
  });

  describe('shared by two relays', () => {
    let relays: Array<RunningApp<RelayConfig>> = [];

    afterAll(async () => {
      await Promise.all(relays.map((relay) => relay.close()));
    });

    it('counts one client address across both', async () => {
      const env = { ...IDENTITY_ENV, REDIS_URL: redisUrl, RATE_LIMIT_PER_IP: '5' };
      relays = await Promise.all([startRelay(env), startRelay(env)]);
      await redis.del('intrabridge:rl:ip:127.0.0.1:hits', 'intrabridge:rl:ip:127.0.0.1:block');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const relay = relays[i % 2];
        statuses.push((await fetch(`${relay.url}/api/v1/auth/me`)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const admin = await fetch(`${relays[1].url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
      });
      expect(admin.status).toBe(429);
      await redis.del('intrabridge:rl:ip:127.0.0.1:hits', 'intrabridge:rl:ip:127.0.0.1:block');
      const { api } = await loginAs(relays[0].url, ADMIN.username, ADMIN.password);
      expect((await api.get('/api/v1/security/rate-limits')).body.defaults.store).toBe('redis');
    });
  });
});
