import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppException } from '../../shared/errors/app.exception';
import { RelayConfig } from '../relay.config';
import { addressKey } from './address-key';
import { AttemptStore, type AttemptRecord } from './attempt-store';
import { LoginAttempt, type AttemptLedger, type AttemptTicket } from './login-attempt';

export const TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS';
const MAX_DELAY_MS = 5_000;

export const ATTEMPT_SCOPES = ['login', 'agent-token'] as const;
export type AttemptScope = (typeof ATTEMPT_SCOPES)[number];

/** What an attempt is counted against: the name tried and the caller's address. */
export interface AttemptKeys {
  /** Which kind of credential: each scope counts separately. */
  scope: AttemptScope;
  /** The username or agent id tried (case-insensitive). */
  name: string;
  /** The caller's address; counted per address (IPv6: per /64). */
  ip: string;
}

/** A name or address that is refused right now. */
export interface ThrottleLock {
  scope: AttemptScope;
  kind: 'name' | 'address';
  /** The name (lower case) or the address (IPv6: its /64) the lock is held under. */
  key: string;
  failures: number;
  lockedUntil: Date;
}

/** What a lift found: whether the key counted failures at all, and whether it was locked. */
export interface LiftResult {
  held: boolean;
  locked: boolean;
}

/**
 * Brute-force protection for credential checks (user login, agent token exchange). Each
 * failure is counted per name and per IP address within LOGIN_FAILURE_WINDOW; failures are
 * answered ever more slowly, and once a name reaches LOGIN_MAX_FAILURES (or an address
 * LOGIN_MAX_FAILURES_PER_IP) it is refused with 429 and Retry-After for LOGIN_LOCKOUT.
 * Unknown names are counted like known ones, so a lockout reveals nothing.
 *
 * An attempt is counted as a failure *before* the password is checked and un-counted on
 * success, so a burst of parallel guesses cannot slip past the limit. Only a wrong credential
 * keeps it counted: a check that throws (the database is down) gives the slot back, so an
 * outage never turns into a lockout (see LoginAttempt).
 */
@Injectable()
export class LoginThrottleService implements AttemptLedger {
  constructor(
    private readonly store: AttemptStore,
    private readonly config: RelayConfig,
  ) {}

  /**
   * Reserves an attempt, or throws 429 TOO_MANY_ATTEMPTS while either key is locked. Settle
   * the attempt with the credential check (`attempt.settle(check)`).
   */
  async begin(keys: AttemptKeys): Promise<LoginAttempt> {
    const subjectKey = nameKey(keys.scope, keys.name);
    const ipKey = `${keys.scope}:ip:${addressKey(keys.ip)}`;
    const subject = await this.reserve(subjectKey, this.config.LOGIN_MAX_FAILURES);
    if (subject && isLocked(subject, Date.now())) throw tooManyAttempts(subject);
    const ip = await this.reserve(ipKey, this.config.LOGIN_MAX_FAILURES_PER_IP);
    if (ip && isLocked(ip, Date.now())) {
      await this.release(subjectKey);
      throw tooManyAttempts(ip);
    }
    return new LoginAttempt(this, { subjectKey, ipKey, subjectFailures: subject?.failures ?? 1 });
  }

  /** The credential was right: forget the name's failures and give back the address's slot. */
  async succeeded(ticket: AttemptTicket): Promise<void> {
    await this.store.update(ticket.subjectKey, this.ttlMs, () => undefined);
    await this.release(ticket.ipKey);
  }

  /** The credential was wrong: lock keys that reached their limit, then wait the penalty. */
  async failed(ticket: AttemptTicket): Promise<void> {
    await this.lockIfSpent(ticket.subjectKey, this.config.LOGIN_MAX_FAILURES);
    await this.lockIfSpent(ticket.ipKey, this.config.LOGIN_MAX_FAILURES_PER_IP);
    const delay = failureDelayMs(this.config.LOGIN_FAILURE_DELAY_MS, ticket.subjectFailures);
    if (delay > 0) await sleep(delay);
  }

  /** Nothing was decided (the check threw): give both slots back, as if never tried. */
  async released(ticket: AttemptTicket): Promise<void> {
    await this.release(ticket.subjectKey);
    await this.release(ticket.ipKey);
  }

  /** Forgets a name's failures and lock in the given scopes (all by default). */
  async liftName(
    name: string,
    scopes: readonly AttemptScope[] = ATTEMPT_SCOPES,
  ): Promise<LiftResult> {
    return this.forget(scopes.map((scope) => nameKey(scope, name)));
  }

  /** Forgets an address's failures and lock (IPv6: its whole /64) in every scope. */
  async liftAddress(ip: string): Promise<LiftResult> {
    return this.forget(ATTEMPT_SCOPES.map((scope) => `${scope}:ip:${addressKey(ip)}`));
  }

  /** Every name and address that is refused right now, soonest unlock first. */
  async locks(): Promise<ThrottleLock[]> {
    const now = Date.now();
    const locks: ThrottleLock[] = [];
    for (const scope of ATTEMPT_SCOPES) {
      for (const [key, record] of await this.store.list(`${scope}:`)) {
        if (!isLocked(record, now)) continue;
        const [, kind, ...rest] = key.split(':');
        locks.push({
          scope,
          kind: kind === 'ip' ? 'address' : 'name',
          key: rest.join(':'),
          failures: record.failures,
          lockedUntil: new Date(record.lockedUntil!),
        });
      }
    }
    return locks.sort((a, b) => a.lockedUntil.getTime() - b.lockedUntil.getTime());
  }

  private async forget(keys: string[]): Promise<LiftResult> {
    const result: LiftResult = { held: false, locked: false };
    for (const key of keys) {
      await this.store.update(key, this.ttlMs, (current) => {
        const now = Date.now();
        // A record whose window or lock has run out holds nothing any more.
        result.held ||= current !== undefined && this.live(current, now) === current;
        result.locked ||= isLocked(current, now);
        return undefined;
      });
    }
    return result;
  }

  private get ttlMs(): number {
    return Math.max(this.config.LOGIN_FAILURE_WINDOW, this.config.LOGIN_LOCKOUT) * 1000;
  }

  private reserve(key: string, limit: number): Promise<AttemptRecord | undefined> {
    return this.store.update(key, this.ttlMs, (current) => {
      const now = Date.now();
      const record = this.live(current, now);
      if (isLocked(record, now)) return record;
      if (record.failures >= limit) return { ...record, lockedUntil: this.lockEnd(now) };
      return { ...record, failures: record.failures + 1 };
    });
  }

  private async release(key: string): Promise<void> {
    await this.store.update(key, this.ttlMs, (current) =>
      current && current.failures > 0 ? { ...current, failures: current.failures - 1 } : current,
    );
  }

  private async lockIfSpent(key: string, limit: number): Promise<void> {
    await this.store.update(key, this.ttlMs, (current) => {
      const now = Date.now();
      if (!current || isLocked(current, now) || current.failures < limit) return current;
      return { ...current, lockedUntil: this.lockEnd(now) };
    });
  }

  /** The record to count into: a fresh one once the window or a past lockout has ended. */
  private live(current: AttemptRecord | undefined, now: number): AttemptRecord {
    const expired =
      !current ||
      (current.lockedUntil !== null && current.lockedUntil <= now) ||
      (current.lockedUntil === null &&
        now - current.windowStartedAt >= this.config.LOGIN_FAILURE_WINDOW * 1000);
    return expired ? { failures: 0, windowStartedAt: now, lockedUntil: null } : current;
  }

  private lockEnd(now: number): number {
    return now + this.config.LOGIN_LOCKOUT * 1000;
  }
}

function nameKey(scope: AttemptScope, name: string): string {
  return `${scope}:name:${name.toLowerCase()}`;
}

function isLocked(record: AttemptRecord | undefined, now: number): boolean {
  return record?.lockedUntil != null && record.lockedUntil > now;
}

/** base, 2x base, 4x base ... after the 1st, 2nd, 3rd failure, capped at 5 s. */
export function failureDelayMs(baseMs: number, failures: number): number {
  if (baseMs <= 0 || failures < 1) return 0;
  return Math.min(baseMs * 2 ** Math.min(failures - 1, 16), MAX_DELAY_MS);
}

function tooManyAttempts(record: AttemptRecord): AppException {
  const seconds = Math.max(1, Math.ceil(((record.lockedUntil ?? 0) - Date.now()) / 1000));
  return new AppException(
    TOO_MANY_ATTEMPTS,
    'Too many failed attempts; try again later',
    429,
    { retryAfterSeconds: seconds },
    { 'Retry-After': String(seconds) },
  );
}
