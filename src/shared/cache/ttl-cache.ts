interface Entry<V> {
  value: V;
  expiresAt: number;
}

export interface TtlCacheOptions {
  ttlMs: number;
  /** Bound on entries, so callers that key by attacker-chosen input cannot grow memory. */
  maxEntries: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/**
 * A small in-process cache whose entries expire after a fixed time. When full, the oldest
 * entry is dropped (Map keeps insertion order). Reads are O(1) and allocate nothing.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V, ttlMs = this.options.ttlMs): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry matching `predicate` (for invalidation by something other than key). */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries) {
      if (predicate(entry.value, key)) this.entries.delete(key);
    }
  }

  /** The live entries, oldest first (a full scan: for rare listings, not per request). */
  liveEntries(): Array<[K, V]> {
    const now = this.now();
    const live: Array<[K, V]> = [];
    for (const [key, entry] of this.entries)
      if (entry.expiresAt > now) live.push([key, entry.value]);
    return live;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
