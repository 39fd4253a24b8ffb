import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';

export enum SecurityErrorCode {
  IpDenied = 'IP_DENIED',
  RateLimited = 'RATE_LIMITED',
  IpRuleNotFound = 'IP_RULE_NOT_FOUND',
  IpRuleLockout = 'IP_RULE_LOCKOUT',
  RateLimitNotFound = 'RATE_LIMIT_NOT_FOUND',
  RateLimitExists = 'RATE_LIMIT_EXISTS',
  SubjectNotFound = 'SUBJECT_NOT_FOUND',
}

export const SecurityErrors = {
  ipDenied: () =>
    new AppException(SecurityErrorCode.IpDenied, 'Requests from your address are not allowed', 403),
  rateLimited: (retryAfterSeconds: number, limit: number, windowSeconds: number) => {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new AppException(
      SecurityErrorCode.RateLimited,
      `Rate limit of ${limit} requests per ${windowSeconds} s exceeded; retry after ${seconds} s`,
      429,
      { retryAfterSeconds: seconds, limit, windowSeconds },
      { 'Retry-After': String(seconds) },
    );
  },
  payloadTooLarge: (limit: number) =>
    new AppException(
      ErrorCode.PayloadTooLarge,
      `Request body larger than ${limit} bytes is not accepted here`,
      413,
      { limitBytes: limit },
    ),
  ipRuleNotFound: () =>
    new AppException(SecurityErrorCode.IpRuleNotFound, 'IP rule not found', 404),
  ipRuleLockout: (ip: string) =>
    new AppException(
      SecurityErrorCode.IpRuleLockout,
      `This change would deny your own address (${ip}) on the admin API; add an allow rule for it first`,
      409,
    ),
  rateLimitNotFound: () =>
    new AppException(SecurityErrorCode.RateLimitNotFound, 'Rate limit override not found', 404),
  rateLimitExists: () =>
    new AppException(
      SecurityErrorCode.RateLimitExists,
      'This principal already has a rate limit override; change that one',
      409,
    ),
  subjectNotFound: () =>
    new AppException(SecurityErrorCode.SubjectNotFound, 'No such user or API key', 404),
};
