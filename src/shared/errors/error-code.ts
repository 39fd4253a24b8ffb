/**
 * Stable, machine-readable error codes. Clients branch on these, so a code is never renamed
 * or reused for another meaning; add new ones instead.
 */
export enum ErrorCode {
  BadRequest = 'BAD_REQUEST',
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  /** The caller's access was revoked while its call or stream was open (403). */
  AccessRevoked = 'ACCESS_REVOKED',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  NotReady = 'NOT_READY',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** The database could not be reached: 503 with Retry-After (see database-unavailable.ts). */
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
}

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.MalformedJson]: 400,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.TooManyRequests]: 429,
  [ErrorCode.NotReady]: 503,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.DatabaseUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/** The code a bare HTTP status maps to, for errors raised without one (e.g. by Nest itself). */
export function codeForStatus(status: number): string {
  const match = Object.entries(STATUS_BY_CODE).find(([, s]) => s === status);
  if (match) return match[0];
  return status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest;
}
