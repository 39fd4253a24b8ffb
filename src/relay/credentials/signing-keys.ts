import { hkdfSync } from 'node:crypto';

/** What a signing key is for; each purpose gets its own key derived from JWT_SECRET. */
export enum SigningPurpose {
  UserAccess = 'intrabridge/user-access-token/v1',
  AgentAccess = 'intrabridge/agent-access-token/v1',
}

/**
 * Derives a 256-bit HMAC key per purpose (HKDF-SHA256). Besides the distinct `aud`/`typ`
 * claims, separate keys make it cryptographically impossible for one kind of token to
 * verify as another, whatever a future bug in claim checks.
 */
export function deriveSigningKey(secret: string, purpose: SigningPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'intrabridge', purpose, 32));
}
