import { AuthErrorCode } from '../../shared/auth/auth-error-code';
import { unauthorized } from '../../shared/auth/auth.exception';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';

export enum ApiKeysErrorCode {
  ApiKeyNotFound = 'API_KEY_NOT_FOUND',
  TooManyApiKeys = 'TOO_MANY_API_KEYS',
}

export const ApiKeysErrors = {
  notFound: () => new AppException(ApiKeysErrorCode.ApiKeyNotFound, 'API key not found', 404),
  invalid: (message = 'The API key is not valid') =>
    unauthorized(AuthErrorCode.InvalidApiKey, message),
  tooMany: (limit: number) =>
    new AppException(
      ApiKeysErrorCode.TooManyApiKeys,
      `A user may have at most ${limit} active API keys; revoke one first`,
      409,
    ),
  expiryInPast: () =>
    new AppException(ErrorCode.ValidationFailed, 'expiresAt must be in the future', 400, [
      { field: 'expiresAt', problems: ['expiresAt must be in the future'] },
    ]),
};
