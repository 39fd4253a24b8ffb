import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import type { ApiKeyStanding } from '../api-keys/api-keys.service';
import { GrantIndex } from '../grants/grant-index';
import { grantSubjectKey } from '../grants/grants.service';
import type { AuthUser } from '../users/auth-user';
import type { AdminStreamHold, ProxyCallHold } from './live-holds';
import { revocationReason, RevocationReason, type PrincipalFacts } from './revocation-reason';

const NOW = 1_800_000_000_000;
const AGENT = 'agent-1';

const user: AuthUser = {
  id: 'u1',
  username: 'ana',
  roles: [Role.Operator],
  enabled: true,
  tokenGeneration: 3,
};
const asUser: Principal = {
  type: 'user',
  id: 'u1',
  userId: 'u1',
  name: 'ana',
  roles: [Role.Operator],
  sessionGeneration: 3,
};
const asKey: Principal = { type: 'apiKey', id: 'k1', userId: 'u1', name: 'etl', roles: [] };
const key: ApiKeyStanding = { userId: 'u1', revoked: false, expiresAt: null };

const call = (principal: Principal, datasource = 'crm'): ProxyCallHold => ({
  kind: 'proxy_call',
  principal,
  requestId: 'r1',
  agentId: AGENT,
  datasource,
  operation: 'GET',
  end: () => undefined,
});
const stream = (principal: Principal): AdminStreamHold => ({
  kind: 'admin_stream',
  principal,
  roles: [Role.Operator],
  end: () => undefined,
});

function facts(
  overrides: {
    users?: AuthUser[];
    keys?: Record<string, ApiKeyStanding>;
    grants?: Record<string, GrantIndex>;
  } = {},
): PrincipalFacts {
  const grantAll = new GrantIndex([
    { agentId: AGENT, datasource: '*', operations: ['GET'], expiresAt: null },
  ]);
  return {
    users: new Map((overrides.users ?? [user]).map((u) => [u.id, u])),
    apiKeys: new Map(Object.entries(overrides.keys ?? { k1: key })),
    grants: new Map(Object.entries(overrides.grants ?? { 'u:u1': grantAll, 'k:k1': grantAll })),
    grantSubjectKey,
  };
}

describe('revocationReason', () => {
  it('keeps what a new request would still be allowed', () => {
    expect(revocationReason(call(asUser), facts(), NOW)).toBeUndefined();
    expect(revocationReason(call(asKey), facts(), NOW)).toBeUndefined();
    expect(revocationReason(stream(asUser), facts(), NOW)).toBeUndefined();
  });

  it('ends the work of a deleted or disabled user, and of their API keys', () => {
    const gone = facts({ users: [] });
    const disabled = facts({ users: [{ ...user, enabled: false }] });
    expect(revocationReason(call(asUser), gone, NOW)).toBe(RevocationReason.UserDeleted);
    expect(revocationReason(call(asKey), disabled, NOW)).toBe(RevocationReason.UserDisabled);
    expect(revocationReason(stream(asUser), disabled, NOW)).toBe(RevocationReason.UserDisabled);
  });

  it("ends a session's work when the user's sessions were ended, not their keys'", () => {
    const rotated = facts({ users: [{ ...user, tokenGeneration: 4 }] });
    expect(revocationReason(call(asUser), rotated, NOW)).toBe(RevocationReason.SessionEnded);
    expect(revocationReason(call(asKey), rotated, NOW)).toBeUndefined();
  });

  it('ends the work of a revoked, deleted or expired key', () => {
    const revoked = facts({ keys: { k1: { ...key, revoked: true } } });
    const expired = facts({ keys: { k1: { ...key, expiresAt: NOW } } });
    const later = facts({ keys: { k1: { ...key, expiresAt: NOW + 1 } } });
    expect(revocationReason(call(asKey), revoked, NOW)).toBe(RevocationReason.ApiKeyRevoked);
    expect(revocationReason(call(asKey), facts({ keys: {} }), NOW)).toBe(
      RevocationReason.ApiKeyRevoked,
    );
    expect(revocationReason(call(asKey), expired, NOW)).toBe(RevocationReason.ApiKeyExpired);
    expect(revocationReason(call(asKey), later, NOW)).toBeUndefined();
  });

  it('ends an admin stream when its role is gone; admins always keep theirs', () => {
    const demoted = facts({ users: [{ ...user, roles: [Role.Client] }] });
    const promoted = facts({ users: [{ ...user, roles: [Role.Admin] }] });
    expect(revocationReason(stream(asUser), demoted, NOW)).toBe(RevocationReason.RoleRemoved);
    expect(revocationReason(stream(asUser), promoted, NOW)).toBeUndefined();
    // Proxy calls do not depend on roles, only on grants.
    expect(revocationReason(call(asUser), demoted, NOW)).toBeUndefined();
  });

  it('ends a call only when no grant of its own principal allows it any more', () => {
    const crmOnly = new GrantIndex([
      { agentId: AGENT, datasource: 'crm', operations: ['GET'], expiresAt: null },
    ]);
    const expiring = new GrantIndex([
      { agentId: AGENT, datasource: 'crm', operations: ['GET'], expiresAt: new Date(NOW) },
    ]);
    const only = facts({ grants: { 'k:k1': crmOnly } });
    expect(revocationReason(call(asKey, 'crm'), only, NOW)).toBeUndefined();
    expect(revocationReason(call(asKey, 'hr'), only, NOW)).toBe(RevocationReason.GrantRemoved);
    // The owner's grants do not cover the key's calls.
    const ownerOnly = facts({ grants: { 'u:u1': crmOnly } });
    expect(revocationReason(call(asKey), ownerOnly, NOW)).toBe(RevocationReason.GrantRemoved);
    expect(revocationReason(call(asUser), facts({ grants: { 'u:u1': expiring } }), NOW)).toBe(
      RevocationReason.GrantRemoved,
    );
  });
});
