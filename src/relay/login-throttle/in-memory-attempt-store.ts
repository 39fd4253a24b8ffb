import { Injectable } from '@nestjs/common';
import { TtlCache } from '../../shared/cache/ttl-cache';
import { AttemptStore, type AttemptChange, type AttemptRecord } from './attempt-store';

/** Enough for a large spray of names; beyond it the oldest records go first. */
const MAX_KEYS = 100_000;

/** Counters in this process. Atomic because `update` runs without yielding. */
@Injectable()
export class InMemoryAttemptStore extends AttemptStore {
  private readonly records = new TtlCache<string, AttemptRecord>({
    ttlMs: 60_000,
    maxEntries: MAX_KEYS,
  });

  async update(
    key: string,
    ttlMs: number,
    change: AttemptChange,
  ): Promise<AttemptRecord | undefined> {
    const next = change(this.records.get(key));
    if (next) this.records.set(key, next, ttlMs);
    else this.records.delete(key);
    return next;
  }

  async list(prefix: string): Promise<Array<[string, AttemptRecord]>> {
    return this.records.liveEntries().filter(([key]) => key.startsWith(prefix));
  }
}
