import { AppException } from '../errors/app.exception';
import { AuthErrorCode } from './auth-error-code';

/**
 * 401 with the RFC 6750 challenge. Codes other than UNAUTHORIZED mean a credential was sent
 * but is not acceptable, which RFC 6750 calls `invalid_token`.
 */
export function unauthorized(
  code: string = AuthErrorCode.Unauthorized,
  message = 'Authentication required',
): AppException {
  const challenge =
    code === (AuthErrorCode.Unauthorized as string)
      ? 'Bearer realm="intrabridge"'
      : 'Bearer realm="intrabridge", error="invalid_token"';
  return new AppException(code, message, 401, undefined, { 'WWW-Authenticate': challenge });
}

export function forbidden(
  code: string = AuthErrorCode.Forbidden,
  message = 'You are not allowed to do this',
): AppException {
  return new AppException(code, message, 403);
}
