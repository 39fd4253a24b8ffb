import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';

export enum GrantsErrorCode {
  GrantNotFound = 'GRANT_NOT_FOUND',
  GrantRequired = 'GRANT_REQUIRED',
}

export const GrantsErrors = {
  notFound: () => new AppException(GrantsErrorCode.GrantNotFound, 'Grant not found', 404),
  required: (agentId: string, datasource: string, operation: string) =>
    new AppException(
      GrantsErrorCode.GrantRequired,
      `No grant allows ${operation} on datasource "${datasource}" of this agent`,
      403,
      { agentId, datasource, operation },
    ),
  oneSubject: () =>
    new AppException(ErrorCode.ValidationFailed, 'Give exactly one of userId or apiKeyId', 400, [
      { field: 'userId', problems: ['give exactly one of userId or apiKeyId'] },
    ]),
  expiryInPast: () =>
    new AppException(ErrorCode.ValidationFailed, 'expiresAt must be in the future', 400, [
      { field: 'expiresAt', problems: ['expiresAt must be in the future'] },
    ]),
};
