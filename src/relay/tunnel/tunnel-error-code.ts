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
  /** The relay is shutting down: the call was not started; retry (another instance). */
  RelayDraining = 'RELAY_DRAINING',
  /** The relay shut down before the call finished (SHUTDOWN_TIMEOUT_MS passed). */
  RelayShutdown = 'RELAY_SHUTDOWN',
}
