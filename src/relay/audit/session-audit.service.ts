import { Injectable } from '@nestjs/common';
import type { Principal } from '../../shared/auth/principal';
import { AppException } from '../../shared/errors/app.exception';
import { RequestContexts } from '../request-context/request-context';
import { AuditActorType, AuditAction, AuditOutcome } from './audit-action';
import { AuditService, type AuditEventInput } from './audit.service';

/**
 * The audit events of sessions, for the identity services to call in one line each: logins,
 * refreshes, logouts, password changes and agent token exchanges, successful or not. Each is
 * committed before the answer. Repeated refusals of a locked name or address are deduplicated
 * (AUDIT_DENIAL_DEDUP), so a lock-out cannot be turned into a flood of audit writes.
 */
@Injectable()
export class SessionAudit {
  constructor(private readonly audit: AuditService) {}

  async loginSucceeded(user: { id: string; username: string }): Promise<void> {
    await this.audit.record({
      action: AuditAction.Login,
      outcome: AuditOutcome.Success,
      actor: { type: AuditActorType.User, id: user.id, name: user.username },
      target: { type: 'user', id: user.id },
    });
  }

  /** Records a login with a wrong name or password (the name tried, never the password). */
  async loginFailed(username: string): Promise<void> {
    await this.audit.record(this.loginFailure(username, 'INVALID_CREDENTIALS'));
  }

  /** Records a login refused before any check (e.g. TOO_MANY_ATTEMPTS), then rethrows. */
  async loginRefused(username: string, error: unknown): Promise<never> {
    const code = codeOf(error);
    await this.audit.recordDenial(this.loginFailure(username, code), `login:${code}:${username}`);
    throw error;
  }

  async refreshed(user: { id: string; username: string }): Promise<void> {
    await this.audit.record({
      action: AuditAction.TokenRefresh,
      outcome: AuditOutcome.Success,
      actor: { type: AuditActorType.User, id: user.id, name: user.username },
      target: { type: 'user', id: user.id },
    });
  }

  /** Records a refused refresh (reuse of a spent token included), then rethrows. */
  async refreshFailed(error: unknown, userId?: string): Promise<never> {
    await this.audit.record({
      action: AuditAction.TokenRefresh,
      outcome: AuditOutcome.Failure,
      actor: userId
        ? { type: AuditActorType.User, id: userId }
        : { type: AuditActorType.Anonymous, id: null },
      target: { type: 'user', id: userId ?? null },
      details: { reason: codeOf(error) },
    });
    throw error;
  }

  /** A logout; `userId` is undefined when the refresh token was unknown (nothing revoked). */
  async loggedOut(userId: string | undefined): Promise<void> {
    await this.audit.record({
      action: AuditAction.Logout,
      outcome: userId ? AuditOutcome.Success : AuditOutcome.Failure,
      actor: userId
        ? { type: AuditActorType.User, id: userId }
        : { type: AuditActorType.Anonymous, id: null },
      target: { type: 'user', id: userId ?? null },
      ...(!userId && { details: { reason: 'UNKNOWN_REFRESH_TOKEN' } }),
    });
  }

  async passwordChanged(principal: Principal): Promise<void> {
    await this.audit.record({
      action: AuditAction.PasswordChange,
      outcome: AuditOutcome.Success,
      target: { type: 'user', id: principal.userId },
    });
  }

  /**
   * A password set by someone else (an admin, or the CLI). A user changing their own password
   * is recorded by `passwordChanged` instead, so this does nothing then.
   */
  async passwordSet(userId: string): Promise<void> {
    if (RequestContexts.principal()?.userId === userId) return;
    await this.audit.record({
      action: AuditAction.UserPasswordReset,
      outcome: AuditOutcome.Success,
      target: { type: 'user', id: userId },
    });
  }

  /** Records a refused password change, then rethrows. */
  async passwordChangeFailed(principal: Principal, error: unknown): Promise<never> {
    await this.audit.record({
      action: AuditAction.PasswordChange,
      outcome: AuditOutcome.Failure,
      target: { type: 'user', id: principal.userId },
      details: { reason: codeOf(error) },
    });
    throw error;
  }

  async agentTokenIssued(agent: { id: string; name: string }): Promise<void> {
    await this.audit.record({
      action: AuditAction.AgentToken,
      outcome: AuditOutcome.Success,
      actor: { type: AuditActorType.Agent, id: agent.id, name: agent.name },
      target: { type: 'agent', id: agent.id },
    });
  }

  /** Records an agent token exchange with wrong credentials. */
  async agentTokenFailed(agentId: string): Promise<void> {
    await this.audit.record(this.agentTokenFailure(agentId, 'INVALID_AGENT_CREDENTIALS'));
  }

  /** Records an agent token exchange refused before any check, then rethrows. */
  async agentTokenRefused(agentId: string, error: unknown): Promise<never> {
    const code = codeOf(error);
    await this.audit.recordDenial(
      this.agentTokenFailure(agentId, code),
      `agent-token:${code}:${agentId}`,
    );
    throw error;
  }

  private loginFailure(username: string, reason: string): AuditEventInput {
    return {
      action: AuditAction.Login,
      outcome: AuditOutcome.Failure,
      actor: { type: AuditActorType.Anonymous, id: null, name: username },
      target: { type: 'user' },
      details: { reason },
    };
  }

  private agentTokenFailure(agentId: string, reason: string): AuditEventInput {
    return {
      action: AuditAction.AgentToken,
      outcome: AuditOutcome.Failure,
      actor: { type: AuditActorType.Anonymous, id: null, name: agentId.slice(0, 64) },
      target: { type: 'agent', id: agentId.slice(0, 64) },
      details: { reason },
    };
  }
}

function codeOf(error: unknown): string {
  return error instanceof AppException ? error.code : 'ERROR';
}
