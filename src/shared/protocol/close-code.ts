/** WebSocket close codes used by the tunnel (1xxx from RFC 6455, 4xxx application-defined). */
export const CloseCode = {
  PROTOCOL_ERROR: 1002,
  /** The peer sent frames faster than its budget allows (a flood). */
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** Another connection authenticated as the same agent; the old one is closed. */
  REPLACED_BY_NEW_SESSION: 4000,
  /** An operator disconnected the agent; it may reconnect. */
  KICKED: 4001,
  /** The agent is disabled; it should back off for a long time rather than reconnect at once. */
  AGENT_DISABLED: 4002,
  /** HELLO / HELLO_ACK carried a protocol version this side cannot speak. */
  INCOMPATIBLE_VERSION: 4003,
  /** Sent after GOAWAY once in-flight streams are drained; the agent reconnects. */
  GOING_AWAY: 4004,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
