/** Error codes of proxied calls, as callers see them. */
export enum TunnelErrorCode {
  AgentNotFound = 'AGENT_NOT_FOUND',
  AgentOffline = 'AGENT_OFFLINE',
  AgentBusy = 'AGENT_BUSY',
  AgentDisconnected = 'AGENT_DISCONNECTED',
  UpstreamTimeout = 'UPSTREAM_TIMEOUT',
  UpstreamError = 'UPSTREAM_ERROR',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  GrantRequired = 'GRANT_REQUIRED',
}
