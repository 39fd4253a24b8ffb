import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { addressKey } from './address-key';
import { LoginThrottleErrors } from './login-throttle.exception';
import { LoginThrottleService, type LiftResult, type ThrottleLock } from './login-throttle.service';

const MAX_NAME_LENGTH = 200;

/**
 * What an admin does with the login throttle: see who is locked out and lift a lock early
 * (a locked-out colleague, an agent locked by a bad rollout). Every lift is audited.
 */
@Injectable()
export class LoginLocksService {
  constructor(
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<ThrottleLock[]> {
    return this.throttle.locks();
  }

  /** Lifts a username's or agent id's lock and failures, in both login and agent-token scope. */
  async liftName(name: string): Promise<void> {
    const key = name.trim().toLowerCase();
    if (key.length === 0 || key.length > MAX_NAME_LENGTH) throw LoginThrottleErrors.badName();
    await this.record('name', key, await this.throttle.liftName(key));
  }

  /** Lifts an address's lock and failures; an IPv6 address (or its `/64`) lifts its /64. */
  async liftAddress(address: string): Promise<void> {
    const bare = address.trim().replace(/\/64$/, '');
    if (!ipaddr.isValid(bare)) throw LoginThrottleErrors.badAddress();
    await this.record('address', addressKey(bare), await this.throttle.liftAddress(bare));
  }

  private async record(kind: 'name' | 'address', key: string, result: LiftResult): Promise<void> {
    if (!result.held) throw LoginThrottleErrors.lockNotFound();
    await this.audit.record({
      action: AuditAction.LoginLockLift,
      outcome: AuditOutcome.Success,
      target: { type: kind === 'name' ? 'login_name' : 'login_address', id: key },
      details: { wasLocked: result.locked },
    });
  }
}
