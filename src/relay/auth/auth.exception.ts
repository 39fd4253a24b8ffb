import { AuthErrorCode } from '../../shared/auth/auth-error-code';
import { unauthorized } from '../../shared/auth/auth.exception';
import { AppException } from '../../shared/errors/app.exception';

export enum LoginErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  InvalidCurrentPassword = 'INVALID_CURRENT_PASSWORD',
}

export const AuthErrors = {
  /** The same answer for an unknown user, a wrong password and a disabled account. */
  invalidCredentials: () =>
    unauthorized(LoginErrorCode.InvalidCredentials, 'Invalid username or password'),
  invalidRefreshToken: () =>
    unauthorized(LoginErrorCode.InvalidRefreshToken, 'The refresh token is not valid'),
  refreshTokenExpired: () =>
    unauthorized(AuthErrorCode.TokenExpired, 'The refresh token has expired; log in again'),
  refreshTokenReused: () =>
    unauthorized(
      LoginErrorCode.RefreshTokenReused,
      'The refresh token was already used; this session has been ended, log in again',
    ),
  sessionEnded: () =>
    unauthorized(AuthErrorCode.TokenRevoked, 'The session has been ended; log in again'),
  invalidCurrentPassword: () =>
    new AppException(
      LoginErrorCode.InvalidCurrentPassword,
      'The current password is not correct',
      400,
    ),
};
