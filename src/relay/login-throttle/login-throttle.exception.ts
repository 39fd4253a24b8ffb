import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';

export enum LoginThrottleErrorCode {
  LockNotFound = 'LOGIN_LOCK_NOT_FOUND',
}

export const LoginThrottleErrors = {
  lockNotFound: () =>
    new AppException(
      LoginThrottleErrorCode.LockNotFound,
      'No failed attempts or lock are held for that name or address',
      404,
    ),
  badAddress: () =>
    new AppException(ErrorCode.ValidationFailed, 'address must be an IPv4 or IPv6 address', 400, [
      { field: 'address', problems: ['address must be an IPv4 or IPv6 address'] },
    ]),
  badName: () =>
    new AppException(ErrorCode.ValidationFailed, 'name must be 1 to 200 characters', 400, [
      { field: 'name', problems: ['name must be 1 to 200 characters'] },
    ]),
};
