/**
 * What the tunnel needs to reach the relay. The secret is in plaintext here because the agent
 * presents it at login; the admin API only ever says whether one is set.
 */
export interface ConnectionSettings {
  relayUrl?: string;
  agentId?: string;
  secret?: string;
  tls: { caFile?: string; rejectUnauthorized: boolean };
  reconnect: { initialDelayMs: number; maxDelayMs: number };
}

export const DEFAULT_RECONNECT = { initialDelayMs: 500, maxDelayMs: 30_000 };
