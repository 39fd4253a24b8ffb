/** Failed attempts counted against one key (a username, an agent id or an IP address). */
export interface AttemptRecord {
  failures: number;
  windowStartedAt: number;
  /** Epoch ms until which the key is refused, or null when not locked. */
  lockedUntil: number | null;
}

export type AttemptChange = (current: AttemptRecord | undefined) => AttemptRecord | undefined;

/**
 * Where attempt counters live. In memory by default (one relay); a shared store (Redis, for a
 * cluster) implements the same atomic read-modify-write, e.g. with a Lua script.
 */
export abstract class AttemptStore {
  /**
   * Atomically replaces the record at `key` with `change(current)` (undefined deletes it) and
   * returns the new record. The store may forget a record `ttlMs` after its last change.
   */
  abstract update(
    key: string,
    ttlMs: number,
    change: AttemptChange,
  ): Promise<AttemptRecord | undefined>;

  /** Every record the store still holds whose key starts with `prefix` (an admin listing). */
  abstract list(prefix: string): Promise<Array<[string, AttemptRecord]>>;
}
