import { AppException } from '../../shared/errors/app.exception';

export enum ConnectionsErrorCode {
  ConnectionNotFound = 'CONNECTION_NOT_FOUND',
  AgentBlocked = 'AGENT_BLOCKED',
  BlockNotFound = 'BLOCK_NOT_FOUND',
}

export const ConnectionsErrors = {
  notFound: () =>
    new AppException(
      ConnectionsErrorCode.ConnectionNotFound,
      'No live connection with that id on this relay',
      404,
    ),
  agentBlocked: (until: Date) => {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new AppException(
      ConnectionsErrorCode.AgentBlocked,
      `This agent is blocked from connecting until ${until.toISOString()}`,
      403,
      { blockedUntil: until.toISOString(), retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  },
  blockNotFound: () =>
    new AppException(ConnectionsErrorCode.BlockNotFound, 'That agent is not blocked', 404),
};
