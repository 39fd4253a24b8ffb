import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import type { Subscription } from 'rxjs';
import type { Principal } from '../../shared/auth/principal';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditActorType, AuditAction, AuditOutcome } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { grantSubjectKey, GrantsService } from '../grants/grants.service';
import { RelayConfig } from '../relay.config';
import { UsersService } from '../users/users.service';
import { LiveHolds, type LiveHold } from './live-holds';
import { PrincipalChanges } from './principal-changes';
import { revocationReason, type PrincipalFacts, type RevocationReason } from './revocation-reason';

/** Request ids listed per audit event; the count is always exact. */
const MAX_LISTED_REQUESTS = 50;

/** What one sweep ended for one principal and reason: one audit event. */
interface Ended {
  principal: Principal;
  reason: RevocationReason;
  proxyCalls: number;
  adminStreams: number;
  requestIds: string[];
}

/**
 * Ends the proxied calls and admin streams of a principal that lost its access. Each sweep
 * reads the holders' users, API keys and grants fresh from the database in three queries
 * (whatever the number of holds) and ends what a new request would now be refused. Sweeps
 * run when this relay changes a user, key or grant (so revocation here takes effect at
 * once) and every REVOCATION_CHECK_MS (for changes made by another relay or the CLI).
 */
@Injectable()
export class PrincipalRevocation implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PrincipalRevocation.name);
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private sweeping?: Promise<void>;
  private again = false;
  private failing = false;
  /**
   * Bound outside any request: a sweep started by an admin's change must not run (and
   * audit) as that admin's request.
   */
  private readonly sweepDetached = AsyncResource.bind(() => void this.sweep());

  constructor(
    private readonly config: RelayConfig,
    private readonly holds: LiveHolds,
    private readonly changes: PrincipalChanges,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.changes.changes.subscribe(() => this.sweepDetached());
    this.timer = setInterval(this.sweepDetached, this.config.REVOCATION_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
  }

  /** Sweeps now; if a sweep is running, once more after it (it may have read too early). */
  sweep(): Promise<void> {
    if (this.sweeping) {
      this.again = true;
      return this.sweeping;
    }
    this.sweeping = this.sweepUntilQuiet().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepUntilQuiet(): Promise<void> {
    do {
      this.again = false;
      await this.sweepOnce();
    } while (this.again);
  }

  private async sweepOnce(): Promise<void> {
    const holds = this.holds.snapshot();
    if (holds.length === 0) return;
    const facts = await this.loadFacts(holds);
    if (!facts) return;
    const now = Date.now();
    const ended = new Map<string, Ended>();
    for (const hold of holds) {
      // Finished while the facts were loading: nothing to end.
      if (!this.holds.has(hold)) continue;
      const reason = revocationReason(hold, facts, now);
      if (!reason) continue;
      this.holds.release(hold);
      this.end(hold, reason);
      note(ended, hold, reason);
    }
    await Promise.all([...ended.values()].map((entry) => this.record(entry)));
  }

  /** One hold failing to end must not keep the others open. */
  private end(hold: LiveHold, reason: RevocationReason): void {
    try {
      hold.end(`Access was revoked while this was open (${reason})`);
    } catch (error) {
      this.logger.error({ err: error, requestId: hold.requestId }, 'could not end a revoked hold');
    }
  }

  /** Undefined when the database cannot answer: nothing can be revoked then, so all stays. */
  private async loadFacts(holds: LiveHold[]): Promise<PrincipalFacts | undefined> {
    const principals = holds.map((hold) => hold.principal);
    const keyIds = principals.filter((p) => p.type === 'apiKey').map((p) => p.id);
    const callers = holds.filter((hold) => hold.kind === 'proxy_call').map((h) => h.principal);
    try {
      const [users, apiKeys, grants] = await Promise.all([
        this.users.findAuthUsers(unique(principals.map((p) => p.userId))),
        this.apiKeys.findStanding(unique(keyIds)),
        this.grants.loadIndexes(callers),
      ]);
      if (this.failing) this.logger.log('open calls and streams are re-checked again');
      this.failing = false;
      return { users, apiKeys, grants, grantSubjectKey };
    } catch (error) {
      if (!this.failing) {
        this.logger.warn({ err: error }, 'cannot re-check open calls and streams; keeping them');
      }
      this.failing = true;
      return undefined;
    }
  }

  private async record(entry: Ended): Promise<void> {
    const { principal } = entry;
    try {
      await this.audit.record({
        action: AuditAction.AccessRevoked,
        outcome: AuditOutcome.Denied,
        actor: { type: AuditActorType.System, id: null, name: 'revocation', ip: null },
        target: { type: principal.type === 'user' ? 'user' : 'api_key', id: principal.id },
        details: {
          reason: entry.reason,
          principalName: principal.name,
          userId: principal.userId,
          proxyCalls: entry.proxyCalls,
          adminStreams: entry.adminStreams,
          requestIds: entry.requestIds,
        },
      });
    } catch (error) {
      this.logger.error({ err: error, reason: entry.reason }, 'could not audit a revocation');
    }
  }
}

function note(ended: Map<string, Ended>, hold: LiveHold, reason: RevocationReason): void {
  const key = `${hold.principal.type}:${hold.principal.id}:${reason}`;
  let entry = ended.get(key);
  if (!entry) {
    entry = { principal: hold.principal, reason, proxyCalls: 0, adminStreams: 0, requestIds: [] };
    ended.set(key, entry);
  }
  if (hold.kind === 'proxy_call') entry.proxyCalls += 1;
  else entry.adminStreams += 1;
  if (hold.requestId && entry.requestIds.length < MAX_LISTED_REQUESTS) {
    entry.requestIds.push(hold.requestId);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
