import { AuthErrorCode } from '../../shared/auth/auth-error-code';
import { unauthorized } from '../../shared/auth/auth.exception';
import { AppException } from '../../shared/errors/app.exception';

export enum AgentsErrorCode {
  AgentNotFound = 'AGENT_NOT_FOUND',
  AgentNameTaken = 'AGENT_NAME_TAKEN',
  InvalidAgentCredentials = 'INVALID_AGENT_CREDENTIALS',
  AgentDisabled = 'AGENT_DISABLED',
}

export const AgentsErrors = {
  notFound: () => new AppException(AgentsErrorCode.AgentNotFound, 'Agent not found', 404),
  nameTaken: () =>
    new AppException(AgentsErrorCode.AgentNameTaken, 'An agent with that name exists', 409),
  /** One answer for an unknown agent, a wrong secret and a disabled agent. */
  invalidCredentials: () =>
    unauthorized(AgentsErrorCode.InvalidAgentCredentials, 'Invalid agent id or secret'),
  invalidToken: () => unauthorized(AuthErrorCode.InvalidToken, 'The agent token is not valid'),
  tokenExpired: () => unauthorized(AuthErrorCode.TokenExpired, 'The agent token has expired'),
  tokenRevoked: () =>
    unauthorized(AuthErrorCode.TokenRevoked, 'The agent token was revoked; get a new one'),
  disabled: () => unauthorized(AgentsErrorCode.AgentDisabled, 'The agent is disabled'),
};
