import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const cache = () => new TtlCache<string, number>({ ttlMs: 100, maxEntries: 3, now: () => now });

  beforeEach(() => {
    now = 1_000;
  });

  it('returns a value until it expires', () => {
    const c = cache();
    c.set('a', 1);
    now += 99;
    expect(c.get('a')).toBe(1);
    now += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('honours a per-entry ttl', () => {
    const c = cache();
    c.set('a', 1, 10);
    now += 10;
    expect(c.has('a')).toBe(false);
  });

  it('drops the oldest entry when full', () => {
    const c = cache();
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.set('d', 4);
    expect(c.get('a')).toBeUndefined();
    expect([c.get('b'), c.get('c'), c.get('d')]).toEqual([2, 3, 4]);
  });

  it('re-setting a key refreshes its place and does not evict others', () => {
    const c = cache();
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.set('a', 10);
    expect(c.size).toBe(3);
    c.set('d', 4);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(10);
  });

  it('deletes by key, by predicate, and entirely', () => {
    const c = cache();
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.delete('a');
    c.deleteWhere((value) => value === 2);
    expect(c.size).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
  });
});
