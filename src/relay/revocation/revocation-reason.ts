import { hasAnyRole } from '../../shared/auth/roles.guard';
import type { ApiKeyStanding } from '../api-keys/api-keys.service';
import type { GrantIndex } from '../grants/grant-index';
import type { AuthUser } from '../users/auth-user';
import type { LiveHold } from './live-holds';

/** Why a principal's open call or stream was ended; stored in audit details. */
export enum RevocationReason {
  UserDeleted = 'user_deleted',
  UserDisabled = 'user_disabled',
  /** The user's sessions were ended (password reset or change): their tokens are refused. */
  SessionEnded = 'session_ended',
  RoleRemoved = 'role_removed',
  ApiKeyRevoked = 'api_key_revoked',
  ApiKeyExpired = 'api_key_expired',
  GrantRemoved = 'grant_removed',
}

/** Fresh from the database, for the principals of the holds being checked. */
export interface PrincipalFacts {
  /** By user id: the users (and API key owners) that still exist. */
  users: ReadonlyMap<string, AuthUser>;
  /** By API key id: the keys that still exist. */
  apiKeys: ReadonlyMap<string, ApiKeyStanding>;
  /** By grant subject (see `grantSubjectKey`): the grants of principals holding proxy calls. */
  grants: ReadonlyMap<string, GrantIndex>;
  grantSubjectKey: (principal: LiveHold['principal']) => string;
}

/**
 * Whether what let `hold` start still holds: the same checks a new request would pass
 * (account, session, key, role, grant), against the current state. An access token's own
 * expiry is not re-checked: it bounds how long a token may start work, not how long the
 * work may take (PROXY_TIMEOUT_MS and the caller bound that).
 */
export function revocationReason(
  hold: LiveHold,
  facts: PrincipalFacts,
  now: number,
): RevocationReason | undefined {
  const { principal } = hold;
  const owner = facts.users.get(principal.userId);
  if (!owner) return RevocationReason.UserDeleted;
  if (!owner.enabled) return RevocationReason.UserDisabled;
  if (principal.type === 'user') {
    const generation = principal.sessionGeneration;
    if (generation !== undefined && generation !== owner.tokenGeneration) {
      return RevocationReason.SessionEnded;
    }
  } else {
    const key = facts.apiKeys.get(principal.id);
    if (!key || key.revoked) return RevocationReason.ApiKeyRevoked;
    if (key.expiresAt !== null && key.expiresAt <= now) return RevocationReason.ApiKeyExpired;
  }
  if (hold.kind === 'admin_stream') {
    return hasAnyRole({ ...principal, roles: owner.roles }, hold.roles)
      ? undefined
      : RevocationReason.RoleRemoved;
  }
  const grants = facts.grants.get(facts.grantSubjectKey(principal));
  const allowed = grants?.allows(hold.agentId, hold.datasource, hold.operation, now) ?? false;
  return allowed ? undefined : RevocationReason.GrantRemoved;
}
