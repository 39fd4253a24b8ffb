export type TunnelState =
  'not-configured' | 'connecting' | 'connected' | 'backing-off' | 'auth-failed' | 'stopped';

export interface TunnelStatus {
  state: TunnelState;
  since: string;
  relayUrl?: string;
  agentId?: string;
  sessionId?: string;
  lastError?: string;
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
