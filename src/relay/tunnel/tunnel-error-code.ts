/** Error codes of proxied calls, as callers see them. */
export enum TunnelErrorCode {
  AgentNotFound = 'AGENT_NOT_FOUND',
  AgentOffline = 'AGENT_OFFLINE',
  AgentBusy = 'AGENT_BUSY',
  AgentDisconnected = 'AGENT_DISCONNECTED',
  UpstreamTimeout = 'UPSTREAM_TIMEOUT',
  UpstreamError = 'UPSTREAM_ERROR',
  /** The agent's answer broke the relay's response policy (status, framing). */
  AgentBadResponse = 'AGENT_BAD_RESPONSE',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  GrantRequired = 'GRANT_REQUIRED',
}
