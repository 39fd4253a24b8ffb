/** Stable codes for authentication and authorisation failures (see also ErrorCode). */
export enum AuthErrorCode {
  Unauthorized = 'UNAUTHORIZED',
  InvalidToken = 'INVALID_TOKEN',
  TokenExpired = 'TOKEN_EXPIRED',
  TokenRevoked = 'TOKEN_REVOKED',
  InvalidApiKey = 'INVALID_API_KEY',
  AccountDisabled = 'ACCOUNT_DISABLED',
  Forbidden = 'FORBIDDEN',
  UserSessionRequired = 'USER_SESSION_REQUIRED',
}
