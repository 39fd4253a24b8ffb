/**
 * What an audit event records. Names are `area.verb`; they are stored, filtered on and
 * exported, so a name is never changed or reused for another meaning.
 */
export enum AuditAction {
  // Sessions
  Login = 'auth.login',
  Logout = 'auth.logout',
  TokenRefresh = 'auth.refresh',
  PasswordChange = 'auth.password_change',
  AgentToken = 'auth.agent_token',
  // Administration (identity)
  UserCreate = 'user.create',
  UserUpdate = 'user.update',
  UserDelete = 'user.delete',
  UserPasswordReset = 'user.password_reset',
  ApiKeyCreate = 'api_key.create',
  ApiKeyRevoke = 'api_key.revoke',
  AgentCreate = 'agent.create',
  AgentUpdate = 'agent.update',
  AgentDelete = 'agent.delete',
  AgentSecretRotate = 'agent.rotate_secret',
  GrantCreate = 'grant.create',
  GrantUpdate = 'grant.update',
  GrantDelete = 'grant.delete',
  // Administration (security control)
  IpRuleCreate = 'ip_rule.create',
  IpRuleUpdate = 'ip_rule.update',
  IpRuleDelete = 'ip_rule.delete',
  RateLimitCreate = 'rate_limit.create',
  RateLimitUpdate = 'rate_limit.update',
  RateLimitDelete = 'rate_limit.delete',
  LoginLockLift = 'login_throttle.lift',
  // Agent connections
  AgentConnect = 'connection.connect',
  AgentDisconnect = 'connection.disconnect',
  ConnectionKick = 'connection.kick',
  ConnectionUnblock = 'connection.unblock',
  AgentUpgradeRefused = 'connection.refused',
  // Denied calls
  GrantDenied = 'access.grant_denied',
  IpDenied = 'access.ip_denied',
  RateLimited = 'access.rate_limited',
  /** A principal lost access while it held calls or streams open: they were ended. */
  AccessRevoked = 'access.revoked',
  // The audit log itself
  AuditRetention = 'audit.retention',
}

export enum AuditOutcome {
  Success = 'success',
  Failure = 'failure',
  Denied = 'denied',
}

export enum AuditActorType {
  User = 'user',
  ApiKey = 'apiKey',
  Agent = 'agent',
  System = 'system',
  Anonymous = 'anonymous',
}
