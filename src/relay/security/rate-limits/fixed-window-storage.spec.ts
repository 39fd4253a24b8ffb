import { FixedWindowStorage } from './fixed-window-storage';

describe('FixedWindowStorage', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('counts within a window and refuses past the limit until it ends', async () => {
    const store = new FixedWindowStorage(100, clock);
    for (let hit = 1; hit <= 3; hit++) {
      const record = await store.increment('k', 10_000, 3, 0, 'p');
      expect(record).toMatchObject({ totalHits: hit, isBlocked: false, timeToExpire: 10 });
    }
    now += 4_000;
    const blocked = await store.increment('k', 10_000, 3, 0, 'p');
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    now += 5_999;
    expect((await store.increment('k', 10_000, 3, 0, 'p')).isBlocked).toBe(true);
    now += 2;
    expect(await store.increment('k', 10_000, 3, 0, 'p')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('applies a raised limit at once, even to a key being refused', async () => {
    const store = new FixedWindowStorage(100, clock);
    await store.increment('r', 60_000, 1, 0, 'p');
    expect((await store.increment('r', 60_000, 1, 0, 'p')).isBlocked).toBe(true);
    expect((await store.increment('r', 60_000, 5, 0, 'p')).isBlocked).toBe(false);
  });

  it('blocks for blockDuration when one is given', async () => {
    const store = new FixedWindowStorage(100, clock);
    await store.increment('b', 1_000, 1, 30_000, 'p');
    expect(await store.increment('b', 1_000, 1, 30_000, 'p')).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 30,
    });
  });

  it('applies a lowered limit at once', async () => {
    const store = new FixedWindowStorage(100, clock);
    for (let i = 0; i < 5; i++) await store.increment('c', 60_000, 100, 0, 'p');
    expect((await store.increment('c', 60_000, 3, 0, 'p')).isBlocked).toBe(true);
  });

  it('keeps throttlers and keys apart, and forgets the stalest keys beyond its bound', async () => {
    const store = new FixedWindowStorage(3, clock);
    await store.increment('x', 60_000, 1, 0, 'ip');
    expect((await store.increment('x', 60_000, 1, 0, 'principal')).isBlocked).toBe(false);
    for (const key of ['a', 'b', 'c', 'd']) await store.increment(key, 60_000, 1, 0, 'ip');
    expect(store.size).toBe(3);
  });
});
