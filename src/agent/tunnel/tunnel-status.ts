export type TunnelState =
  | 'not-configured'
  | 'connecting'
  | 'connected'
  | 'backing-off'
  | 'auth-failed'
  /** The relay refused with AGENT_BLOCKED (a kick with a block period) until blockedUntil. */
  | 'blocked'
  | 'stopped';

export interface TunnelStatus {
  state: TunnelState;
  since: string;
  relayUrl?: string;
  agentId?: string;
  sessionId?: string;
  lastError?: string;
  /** The relay's error code of the last refusal (AGENT_BLOCKED, UNAUTHORIZED...). */
  lastErrorCode?: string;
  /** While blocked: when the relay's block period ends (ISO 8601). */
  blockedUntil?: string;
  /** Delay before the next attempt, while backing off. */
  retryInMs?: number;
  rttMs?: number;
  connects: number;
  disconnects: number;
  callsServed: number;
  streamsInFlight: number;
  bytesIn: number;
  bytesOut: number;
}
